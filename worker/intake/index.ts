import type { Client } from '@temporalio/client';
import type { Logger } from '@temporalio/common';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JobMessage } from '../../contracts/activities';
import { FLAVOR_WORKFLOW_TYPE, flavorWorkflowId, type FlavorWorkflow } from '../../contracts/flavor-workflow';
import { jobSignal } from '../../contracts/definitions';
import { resolveSettings, type FlavorSettingsInput } from '../../contracts/settings';
import { readDelivery } from './delivery';
import { JobWaitClock } from './job-wait';
import { payloadOf } from './payload';
import { readBody } from './read-body';
import { routeJob } from './route-job';
import { signatureCheck } from './signature';

export interface JobIntakeOptions {
  port: number;
  host: string;
  /** Where GitHub POSTs (default /webhook); any other path is a 404. */
  path?: string;
  /**
   * The webhook's secret; it checks signatures and goes nowhere else. A function is read at each delivery:
   * when it throws (a secret file gone or empty), the delivery gets 503, to redeliver once it is back.
   */
  secret: string | (() => string);
  /**
   * The flavors file's entries, in its order: the first reactive flavor that fits a job gets it. Each is
   * checked as the workflow checks its input: a bad one throws InvalidSettingsError here.
   */
  flavors: FlavorSettingsInput[];
  client: Client;
  taskQueue: string;
  /** Ignored deliveries (most are: every job's in_progress and completed) at debug, the rest at info or warn. */
  log: Pick<Logger, 'debug' | 'info' | 'warn'>;
  /** Larger bodies are refused with 413 (default 1 MiB; GitHub caps payloads at 25 MB, jobs are a few KB). */
  maxBodyBytes?: number;
  /** Where each job's wait goes: from its queued delivery to its runner taking it (job-wait.ts). */
  observeJobWait?: (flavor: string, seconds: number) => void;
}

export interface JobIntake {
  /** e.g. http://0.0.0.0:8080/webhook */
  url: string;
  port: number;
  /** Stops accepting deliveries; those under way finish, connections still open after 5 s are cut. */
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body?: Record<string, unknown>;
}

/**
 * Reactive mode's intake: GitHub's `workflow_job` webhooks in, one `job` signal-with-start per queued
 * job out, to the workflow of the flavor its labels fit. Either content type a GitHub webhook may have
 * is read (payload.ts). Answers, in the order checked: 413 for a body over the limit, 503 when the secret
 * cannot be read, 401 for a missing or wrong signature (nothing else is looked at), 415 for another
 * content type, 400 for a malformed delivery, 200 for one that asks for nothing (ping, other events and
 * actions, labels no reactive flavor fits), 202 once the signal is in, and 503 when Temporal cannot take
 * it (GitHub shows the delivery as failed, to redeliver by hand). Each delivery is signalled, a
 * redelivery too: the workflow drops a job id it holds already.
 */
export async function startJobIntake(options: JobIntakeOptions): Promise<JobIntake> {
  const path = options.path ?? '/webhook';
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const { client, taskQueue, log } = options;
  const { secret } = options;
  const verified = signatureCheck(typeof secret === 'function' ? secret : () => secret);
  const flavors = options.flavors.map((input) => ({ input, ...resolveSettings(input) }));
  const jobWait = options.observeJobWait && new JobWaitClock(flavors, options.observeJobWait);

  const enqueue = async (flavor: (typeof flavors)[number], job: JobMessage): Promise<Answer> => {
    const workflowId = flavorWorkflowId(flavor.flavor);
    try {
      await client.workflow.signalWithStart<FlavorWorkflow, [JobMessage]>(FLAVOR_WORKFLOW_TYPE, {
        workflowId,
        taskQueue,
        args: [{ settings: flavor.input }],
        signal: jobSignal,
        signalArgs: [job],
      });
    } catch (err) {
      log.warn('webhook job not enqueued', { jobId: job.jobId, workflowId, error: (err as Error).message });
      return { status: 503, body: { error: 'the job could not be enqueued; redeliver it later', jobId: job.jobId } };
    }
    return { status: 202, body: { result: 'enqueued', jobId: job.jobId, flavor: flavor.flavor, workflowId } };
  };

  const answer = async (req: IncomingMessage): Promise<Answer> => {
    if (new URL(req.url ?? '/', 'http://intake').pathname !== path) return { status: 404 };
    if (req.method !== 'POST') return { status: 405 };
    const raw = await readBody(req, maxBodyBytes);
    if (raw === 'too-large') return { status: 413, body: { error: `the body is over ${maxBodyBytes} bytes` } };
    const body = raw.toString('utf8');
    let signed: boolean;
    try {
      signed = await verified(body, header(req, 'x-hub-signature-256'));
    } catch (err) {
      log.warn('webhook secret unavailable', { error: (err as Error).message });
      return { status: 503, body: { error: 'the webhook secret cannot be read; redeliver later' } };
    }
    if (!signed) return { status: 401, body: { error: 'missing or wrong X-Hub-Signature-256' } };
    const payload = payloadOf(header(req, 'content-type'), body);
    if (payload.kind === 'refused') return { status: payload.status, body: { error: payload.reason } };
    const delivery = readDelivery(header(req, 'x-github-event'), payload.text);
    if (delivery.kind === 'invalid') return { status: 400, body: { error: delivery.reason } };
    if (delivery.kind === 'started') jobWait?.started(delivery.jobId, delivery.runnerName);
    if (delivery.kind === 'ignored' || delivery.kind === 'started') {
      return { status: 200, body: { result: 'ignored', reason: delivery.reason } };
    }
    const flavor = routeJob(delivery.job.labels, flavors);
    if (!flavor) {
      const reason = `no reactive flavor has the labels ${JSON.stringify(delivery.job.labels)}`;
      return { status: 200, body: { result: 'no flavor', jobId: delivery.job.jobId, reason } };
    }
    jobWait?.queued(delivery.job.jobId);
    return enqueue(flavor, delivery.job);
  };

  const server = createServer({ requestTimeout: 30_000 }, (req, res) => {
    const deliveryId = header(req, 'x-github-delivery');
    answer(req).then(
      (reply) => {
        const meta = { deliveryId, from: req.socket.remoteAddress, status: reply.status, ...reply.body };
        const level = reply.status >= 400 ? 'warn' : reply.body?.result === 'ignored' ? 'debug' : 'info';
        log[level]('webhook delivery', meta);
        send(res, reply);
      },
      // The request broke off while its body was read (then no one hears the 500), or a bug.
      (err: unknown) => {
        log.warn('webhook delivery failed', { deliveryId, error: (err as Error).message });
        if (!res.headersSent) send(res, { status: 500 });
      },
    );
  });
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}${path}`,
    port,
    close: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      const cut = setTimeout(() => server.closeAllConnections(), 5_000);
      await closed;
      clearTimeout(cut);
    },
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** After a body too large, the connection closes instead of being reused: the rest of it is not read. */
function send(res: ServerResponse, { status, body }: Answer): void {
  const headers: Record<string, string> = status === 413 ? { connection: 'close' } : {};
  if (status === 405) headers.allow = 'POST';
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  res.writeHead(status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(body));
}

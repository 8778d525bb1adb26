import { createServer } from 'node:http';
import { closeServer, listen, parseJson, readBody } from '../http';
import { createApi } from './api';
import { control } from './control';
import { defaultFaults } from './faults';
import { createJobLifecycle } from './job-lifecycle';
import { createLifecycle } from './lifecycle';
import { createState } from './state';
import type { GitHubSimulator, GitHubSimulatorOptions } from './types';
import { sendJobWebhooks } from './webhooks';
import { failure, send } from './wire';

/**
 * A GitHub REST API simulator for the self-hosted-runner and workflow-job endpoints, on node:http, speaking
 * the real wire formats: JSON bodies, Link pagination, x-ratelimit-* headers and a primary limit per credential
 * (primary-limits.ts; more PATs by `tokens`), GitHub's secondary rate
 * limits (secondary-limits.ts), GitHub's status codes and error bodies, App authentication (a JWT traded for an installation token), and signed workflow_job
 * webhooks. Runner VMs are simulated by lifecycle helpers: bootRunner (run.sh --jitconfig), assignJob,
 * finishJob; workflow jobs by queueJob, which an idle runner whose labels fit picks up (pickup.ts), and
 * finishJobById. The API's `busy` flag can lag a job's start (faults.busyLagMs, runners.ts), and every job
 * killed by its runner's removal is recorded (killedJobs). Faults are set at runtime, in process (`faults`) or over HTTP (PUT /control/faults);
 * /control/* needs no authentication (see control.ts). main.ts runs it as its own process.
 */

export type {
  GitHubFaults,
  GitHubSimulator,
  GitHubSimulatorOptions,
  GitHubSimulatorStats,
  KilledJob,
  QueueJobRequest,
  SimulatedJob,
  SimulatedJobStatus,
  SimulatedRunner,
  SimulatedScope,
  WebhookContentType,
  WebhookDelivery,
  WebhookTarget,
} from './types';
export { noSecondaryLimits, type SecondaryLimits } from './secondary-limits';
export { sendDelivery, signedDelivery } from './webhooks';

const prefixPattern = /^(\/[A-Za-z0-9._-]+)+$/;

export async function startGitHubSimulator(options: GitHubSimulatorOptions = {}): Promise<GitHubSimulator> {
  const host = options.host ?? '127.0.0.1';
  const prefix = options.pathPrefix ?? '';
  if (prefix && !prefixPattern.test(prefix)) throw new Error(`pathPrefix ${prefix} is not a path like /api/v3`);
  const state = createState(options);
  const { simulator, closing } = state;
  const lifecycle = { ...createLifecycle(state), ...createJobLifecycle(state) };
  const answerApi = createApi(state);
  sendJobWebhooks(state);

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://simulator');
      const text = await readBody(req);
      // Everything is served under the prefix; routes see the path after it.
      if (prefix && !url.pathname.startsWith(`${prefix}/`)) {
        send(res, failure(404, 'Not Found'));
        return;
      }
      url.pathname = url.pathname.slice(prefix.length);
      let body: unknown;
      try {
        body = text === '' ? undefined : parseJson(text);
      } catch {
        send(res, failure(400, 'Problems parsing JSON'));
        return;
      }
      if (url.pathname.startsWith('/control/')) send(res, control(state, lifecycle, req.method, url.pathname, body));
      else await answerApi(req, res, url, body);
    })().catch(() => {
      if (!res.headersSent && !closing.signal.aborted) send(res, failure(500, 'Server Error'));
    });
  });
  state.baseUrl = `http://${host}:${await listen(server, options.port ?? 0, host)}${prefix}`;

  return Object.assign(simulator, lifecycle, {
    url: state.baseUrl,
    token: state.auth.token,
    org: state.org,
    stats: state.stats,
    issuedJitConfigs: () => [...state.jitConfigs.encoded],
    resetFaults: () => {
      simulator.faults = defaultFaults();
    },
    close: () => {
      closing.abort();
      return closeServer(server);
    },
  });
}

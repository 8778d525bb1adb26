/**
 * The worker's entry point (`npm start`). With a configuration (`--config <file>` or
 * RUNNER_AUTOSCALER_CONFIG) it runs the real worker; without one, the embedded default: a Temporal dev
 * server, the simulators, the worker and two example flavors (worker/embedded/). SIGINT and SIGTERM
 * stop either gracefully and exit 0.
 */
import { Runtime } from '@temporalio/worker';
import { parseArgs } from 'node:util';
import { buildActivities, connectWorkerGitHub } from './activities';
import { StartupError, type App } from './app';
import { loadWorkerConfig } from './config/load';
import { secretRedactor, secretsStatus, workerSecrets } from './config/worker-secrets';
import { startJobIntake, type JobIntake } from './intake';
import { JsonLogger } from './logging/json-logger';
import { secretsOf } from './logging/secrets';
import { startMetricsEndpoint, type MetricsEndpoint } from './metrics/endpoint';
import { runWorker, type RunningWorker } from './run-worker';

const USAGE = 'usage: node -r @swc-node/register worker/main.ts [--config <file>]';
/** A graceful stop that takes longer than this is abandoned: children are killed and the exit code is 1. */
const STOP_TIMEOUT_MS = 20_000;

/**
 * The deployed worker: JSON log lines on stdout (the SDK core's own warnings forwarded into them), and
 * with `metrics:` configured, /metrics and /health on that address.
 */
function configuredApp(path: string): App {
  const config = loadWorkerConfig({ env: process.env, path });
  const secrets = workerSecrets(config);
  const logger = new JsonLogger({ redact: secretRedactor(secretsOf(config), secrets) });
  const github = connectWorkerGitHub(config, secrets);
  let running: RunningWorker | undefined;
  let endpoint: MetricsEndpoint | undefined;
  let intake: JobIntake | undefined;
  return {
    async start(fail) {
      if (config.metrics) {
        const workerState = () => running?.worker.getState() ?? 'STARTING';
        const rateLimit = { api: new URL(github.baseUrl).host, read: () => github.credentials };
        const secretsInUse = () => secretsStatus(secrets);
        endpoint = await startMetricsEndpoint({
          ...config.metrics,
          workerState,
          github: rateLimit,
          secrets: secretsInUse,
        });
      }
      // main.ts owns the signals: the Runtime's own handlers would shut the worker down behind its back.
      Runtime.install({
        logger,
        shutdownSignals: [],
        telemetryOptions: {
          logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } },
          metrics: endpoint?.sdkTelemetry,
        },
      });
      const metrics = endpoint?.metrics;
      running = await runWorker(config, (client) => buildActivities(config, client, { secrets, github, metrics }), {
        metrics,
      });
      running.done.then(() => fail(new Error('the worker stopped')), fail);
      const { taskQueue, namespace } = config.temporal;
      if (config.intake) {
        // The webhook source exists whenever the intake does (workerSecrets): the secret is read at each delivery.
        const { webhook } = secrets;
        const secret = webhook ? () => webhook.read().value : config.intake.secret;
        const jobWait = endpoint?.metrics.jobWait;
        const observeJobWait = jobWait && ((flavor: string, seconds: number) => jobWait.observe({ flavor }, seconds));
        const client = running.client;
        intake = await startJobIntake({ ...config.intake, secret, client, taskQueue, log: logger, observeJobWait });
      }
      const ready = { taskQueue, namespace, planner: Boolean(config.planner), metrics: endpoint?.url };
      logger.info('worker ready', { ...ready, intake: intake?.url });
    },
    async stop() {
      await intake?.close();
      await running?.close();
      await endpoint?.close();
      logger.info('worker stopped');
    },
    kill() {},
  };
}

async function createApp(): Promise<App> {
  const { values } = parseArgs({ options: { config: { type: 'string' } } });
  const configPath = values.config ?? process.env.RUNNER_AUTOSCALER_CONFIG;
  if (configPath) return configuredApp(configPath);
  // The demo (a dev server, the simulators, a scenario) is loaded only when no configuration is given:
  // a configured worker never loads it.
  const { embeddedApp } = await import('./embedded/embedded');
  const { embeddedOptions } = await import('./embedded/options');
  return embeddedApp(embeddedOptions(process.env));
}

async function main(): Promise<void> {
  let app: App;
  try {
    app = await createApp();
  } catch (err) {
    const argsError = (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(err instanceof StartupError ? err.message : argsError ? `${(err as Error).message}\n${USAGE}` : err);
    process.exit(1);
  }

  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => {
      console.error(`stopping took over ${STOP_TIMEOUT_MS / 1000} s: killing what is left`);
      app.kill();
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    app.stop().then(
      () => process.exit(code),
      (err: unknown) => {
        console.error((err as Error).message);
        app.kill();
        process.exit(1);
      },
    );
  };
  // Further signals while stopping are ignored (npm forwards Ctrl-C, so one press can arrive twice).
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  const fail = (err: unknown) => {
    if (stopping) return;
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    stop(1);
  };
  app.start(fail).catch(fail);
}

void main();

import { Runtime } from '@temporalio/worker';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startSimulatedCloud } from '../../simulators/cloud';
import { DEMO_CLOUD, cloudsYaml } from '../../simulators/openstack/clouds-yaml';
import { portAnswers } from '../ports';
import { buildActivities } from '../activities';
import { startMetricsEndpoint, type MetricsEndpoint } from '../metrics/endpoint';
import { runWorker, type RunningWorker } from '../run-worker';
import { temporalCliPath } from '../temporal-cli';
import type { App } from '../app';
import { Teardown } from './teardown';
import { displayPath, headerLines } from './dashboard';
import {
  checkCanStart,
  devServerAddress,
  launchDevServer,
  temporalAnswers,
  type DevServerProcess,
} from '../dev-server';
import { EXAMPLE_FLAVORS, startExampleFlavors } from './flavors';
import { simulateJobs } from './jobs';
import { startLiveView } from './live-view';
import { DEFAULT_PORT, type EmbeddedOptions } from './options';
import { EXAMPLE_SCENARIO, playScenario } from './scenario';
import { LiveTerminal } from './terminal';
import { terminalLogger } from './worker-log';

const TASK_QUEUE = 'runner-autoscaler';

/**
 * `npm start` without a configuration: a Temporal dev server (or the one already answering), the
 * simulated cloud, the real worker against it, two example flavors, a pressure scenario with CI jobs,
 * and a live view in the terminal, until Ctrl-C.
 */
export function embeddedApp(options: EmbeddedOptions): App {
  const terminal = new LiveTerminal(process.stdout);
  const teardown = new Teardown((line) => terminal.print(line));
  let devServer: DevServerProcess | undefined;
  let running: RunningWorker | undefined;

  return {
    async start(fail) {
      const metrics = await serveMetrics(options.metricsPort, () => running?.worker.getState() ?? 'STARTING');
      // main.ts owns the signals: the Runtime's own handlers would shut the worker down behind its back.
      Runtime.install({
        logger: terminalLogger((line) => terminal.print(line)),
        shutdownSignals: [],
        telemetryOptions: { metrics: metrics?.sdkTelemetry },
      });
      const address = devServerAddress(options.port);
      const reused = await temporalAnswers(address);
      if (!reused) {
        const cliPath = await checkCanStart(options);
        terminal.print(`Starting the Temporal dev server on ${address}, database ${displayPath(options.dbFile)}…`);
        const server = launchDevServer(cliPath, options);
        devServer = server;
        teardown.add('the Temporal dev server', () => server.stop());
        await server.ready;
        server.onUnexpectedExit((description) => fail(new Error(description)));
      }

      const openstackPort = await openstackPortToUse(options.openstackPort);
      const cloud = await startSimulatedCloud({
        openstack: { bootDelayMs: 1500, host: '127.0.0.1', port: openstackPort },
      });
      teardown.add('the simulators', () => cloud.close());
      mkdirSync(path.dirname(options.cloudsFile), { recursive: true });
      writeFileSync(options.cloudsFile, cloudsYaml(cloud.openstack));
      const pressures = new Map<string, number>();
      const setPressure = (flavor: string, value: number) => {
        pressures.set(flavor, value);
        cloud.planner.setPressure(flavor, value);
      };
      const pressureOf = (flavor: string) => pressures.get(flavor) ?? 0;
      // Before any stream connects: the planner answers 404 for a flavor it does not know, and the
      // workflow waits its longest backoff after a 404.
      for (const [flavor, value] of Object.entries(EXAMPLE_SCENARIO.steps[0].pressures)) setPressure(flavor, value);

      terminal.print('Starting the worker (bundling the workflow code takes a few seconds)…');
      const config = cloud.workerConfig({ address, namespace: 'default', taskQueue: TASK_QUEUE });
      const worker = await runWorker(config, (client) => buildActivities(config, client), {
        metrics: metrics?.metrics,
      });
      running = worker;
      teardown.add('the worker', () => worker.close());
      worker.done.then(() => fail(new Error('the worker stopped')), fail);

      const started = await startExampleFlavors(worker.client, TASK_QUEUE);
      terminal.print(
        ...headerLines({
          address,
          devServer: devServer && { pid: devServer.pid, dbFile: options.dbFile },
          uiUrl: `http://localhost:${options.uiPort}`,
          cliPath: temporalCliPath(),
          defaultAddress: options.port === DEFAULT_PORT,
          flavors: started,
          openstack: {
            authUrl: `${cloud.openstack.baseUrl}/identity`,
            cloudsFile: options.cloudsFile,
            cloud: DEMO_CLOUD,
          },
        }),
      );

      const flavors = EXAMPLE_FLAVORS.map((settings) => settings.flavor);
      const speed = options.scenarioSpeed;
      const scenario = playScenario(EXAMPLE_SCENARIO, {
        speed,
        setPressure,
        onEnd: () => live.writeChart('The scenario has ended'),
      });
      const jobs = simulateJobs({ cloud, flavors, pressureOf, speed });
      const live = startLiveView({
        terminal,
        client: worker.client,
        cloud,
        flavors,
        pressureOf,
        scenario,
        speed,
        chartFile: options.chartFile,
      });
      teardown.add('the scenario and the live view', async () => {
        scenario.stop();
        jobs.stop();
        await live.stop();
        live.writeChart('Stopping');
      });
    },
    async stop() {
      terminal.freeze();
      await teardown.run();
    },
    kill: () => devServer?.kill(),
  };

  /**
   * The README's clouds.yaml names OPENSTACK_PORT's default; when another process holds it, the cloud takes
   * a free port and the clouds.yaml written beside the database says which.
   */
  async function openstackPortToUse(port: number): Promise<number> {
    if (!(await portAnswers(port))) return port;
    terminal.print(
      `Port ${port} on 127.0.0.1 is taken: the simulated OpenStack takes a free one (OPENSTACK_PORT picks)`,
    );
    return 0;
  }

  /** Best effort: a port already taken (another `npm start`) costs the metrics, not the demo. */
  async function serveMetrics(port: number, workerState: () => string): Promise<MetricsEndpoint | undefined> {
    try {
      const endpoint = await startMetricsEndpoint({ host: '127.0.0.1', port, workerState });
      teardown.add('the metrics endpoint', () => endpoint.close());
      terminal.print(`Metrics at ${endpoint.url}/metrics, health at ${endpoint.url}/health`);
      return endpoint;
    } catch (err) {
      terminal.print(`No /metrics: port ${port} on 127.0.0.1: ${(err as Error).message} (METRICS_PORT picks another)`);
      return undefined;
    }
  }
}

import { Client, Connection } from '@temporalio/client';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulatedCloud, type SimulatedCloud } from '../../simulators/cloud';
import { devServerAddress, launchDevServer, type DevServerProcess } from '../../worker/dev-server';
import { temporalCliPath } from '../../worker/temporal-cli';
import { uniqueName } from '../support/temporal';
import { eventually, sleep } from '../support/wait';
import { cloudView, startFlavor, untilState, type FlavorHandle } from './support/flavor';
import { expectNoSecretsInHistories } from './support/history-grep';
import { measured } from './support/results';
import { watchSecrets } from './support/secrets';
import { sizes, timeoutFor } from './support/sizes';
import { startWorkerProcess, stopWorkerProcess, type WorkerProcess } from '../../bench/configured-worker';
import { freePort, portAnswers } from '../../worker/ports';

/**
 * Scenario 2: this test's own Temporal dev server, on a database file, is stopped and started again
 * while the worker process holds open pressure streams. The worker must ride it out, the workflows
 * resume, and a pressure change after the restart is acted on.
 */
let cloud: SimulatedCloud;
let server: DevServerProcess | undefined;
let connection: Connection | undefined;
let worker: WorkerProcess | undefined;
const dir = mkdtempSync(path.join(tmpdir(), 'chaos-restart-'));
const taskQueue = uniqueName('chaos-restart');

beforeAll(async () => {
  cloud = await startSimulatedCloud({ openstack: { bootDelayMs: 200 } });
});

afterAll(async () => {
  await stopWorkerProcess(worker);
  await connection?.close();
  await server?.stop();
  await cloud?.close();
  rmSync(dir, { recursive: true, force: true });
});

test(
  'the Temporal server restarts under open streams: the worker reconnects, pressure is acted on',
  () =>
    measured('2-server-restart', async (figures) => {
      const cli = temporalCliPath();
      if (!cli) throw new Error('no Temporal CLI: run `bash scripts/temporal-server.sh`');
      const settings = { port: await freePort(), uiPort: await freePort(), dbFile: path.join(dir, 'temporal.db') };
      const address = devServerAddress(settings.port);
      server = launchDevServer(cli, settings);
      await server.ready;
      connection = await Connection.connect({ address });
      const client = new Client({ connection });
      const secrets = watchSecrets(cloud);
      worker = await startWorkerProcess(cloud, { address, taskQueue });

      const flavorSettings = { cleanupIntervalSeconds: 3, streamBackoffInitialSeconds: 1, streamBackoffMaxSeconds: 4 };
      const flavors: { flavor: string; handle: FlavorHandle; runId?: string }[] = [];
      for (let i = 0; i < 2; i += 1) flavors.push(await startFlavor(client, taskQueue, flavorSettings));
      for (const f of flavors) {
        f.runId = (await f.handle.describe()).runId;
        cloud.planner.setPressure(f.flavor, 2);
      }
      for (const f of flavors) {
        await untilState(f.handle, (s) => s.currentRunners === 2 && s.stream?.connected === true, 'two runners');
      }
      expect(cloud.planner.stats.connectionsOpen).toBe(2);

      await server.stop();
      expect(await portAnswers(settings.port)).toBe(false);
      const [a, b] = flavors;
      cloud.planner.setPressure(a.flavor, 3); // while the server is down: the stream reads it, signalling fails
      await sleep(sizes.serverDownSeconds * 1000);
      figures.serverDownSeconds = sizes.serverDownSeconds;
      figures.workerAliveDuringOutage = worker.alive();

      server = launchDevServer(cli, settings);
      await server.ready;
      const restartedAt = Date.now();
      cloud.planner.setPressure(b.flavor, 4); // after the restart
      const aState = await untilState(a.handle, (s) => s.desired === 3 && s.currentRunners === 3, 'A at 3', 120_000);
      const bState = await untilState(b.handle, (s) => s.desired === 4 && s.currentRunners === 4, 'B at 4', 120_000);
      const vms = await eventually(
        async () => flavors.map((f) => cloudView(cloud, f.flavor).vms().length),
        (counts) => counts[0] === 3 && counts[1] === 4,
        { what: 'VMs 3 and 4', timeoutMs: 60_000 },
      );
      Object.assign(figures, {
        secondsFromRestartToConverged: Math.round((Date.now() - restartedAt) / 1000),
        vmsAfter: vms,
        streamReconnects: [aState.stream?.reconnects, bState.stream?.reconnects],
        workerAlive: worker.alive(),
      });
      expect(worker.alive()).toBe(true);
      for (const f of flavors) {
        const description = await f.handle.describe();
        expect(description.status.name).toBe('RUNNING');
        expect(description.runId).toBe(f.runId);
      }

      for (const f of flavors) await f.handle.terminate('test over');
      Object.assign(
        figures,
        await expectNoSecretsInHistories(
          address,
          flavors.map((f) => f.handle.workflowId),
          secrets.secrets(),
        ),
      );
    }),
  timeoutFor(60 + sizes.serverDownSeconds),
);

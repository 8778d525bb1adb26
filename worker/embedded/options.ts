import path from 'node:path';
import { StartupError } from '../app';

type Env = Record<string, string | undefined>;

/** What the embedded default lets the environment change: ports and files for tests, and the scenario's pace. */
export interface EmbeddedOptions {
  /** The dev server's gRPC port (TEMPORAL_PORT, default 7233). */
  port: number;
  /** Its Web UI (TEMPORAL_UI_PORT, default port + 1000, as the CLI does). */
  uiPort: number;
  /** Its persistent database (TEMPORAL_DB_FILE, default .temporal/dev.db); the chart goes next to it. */
  dbFile: string;
  chartFile: string;
  /** SCENARIO_SPEED: 1 plays the scenario in 90 s, 10 in 9 s. */
  scenarioSpeed: number;
  /** METRICS_PORT (default 9464): the worker's /metrics and /health on 127.0.0.1. */
  metricsPort: number;
  /** OPENSTACK_PORT (default 8774, Nova's): the simulated cloud on 127.0.0.1, for the README's clouds.yaml. */
  openstackPort: number;
  /** The clouds.yaml written for the `openstack` CLI, next to the database. */
  cloudsFile: string;
}

/** Temporal's usual port, which the temporal CLI reaches without an --address. */
export const DEFAULT_PORT = 7233;
/** The Prometheus exporters' usual port, as in the worker configuration's default. */
const DEFAULT_METRICS_PORT = 9464;
/** Nova's usual port: the README's clouds.yaml entry points there. */
export const DEFAULT_OPENSTACK_PORT = 8774;

export class OptionError extends StartupError {}

export function embeddedOptions(env: Env): EmbeddedOptions {
  const port = portFrom(env, 'TEMPORAL_PORT') ?? DEFAULT_PORT;
  const uiPort = portFrom(env, 'TEMPORAL_UI_PORT') ?? port + 1000;
  if (uiPort === port || uiPort > 65535) {
    throw new OptionError(`TEMPORAL_UI_PORT must be a free port other than TEMPORAL_PORT, not ${uiPort}`);
  }
  const dbFile = path.resolve(env.TEMPORAL_DB_FILE || path.join(__dirname, '..', '..', '.temporal', 'dev.db'));
  const scenarioSpeed = env.SCENARIO_SPEED ? Number(env.SCENARIO_SPEED) : 1;
  if (!Number.isFinite(scenarioSpeed) || scenarioSpeed <= 0 || scenarioSpeed > 1000) {
    throw new OptionError(`SCENARIO_SPEED must be a number above 0 and at most 1000, not ${env.SCENARIO_SPEED}`);
  }
  const metricsPort = portFrom(env, 'METRICS_PORT') ?? DEFAULT_METRICS_PORT;
  const openstackPort = portFrom(env, 'OPENSTACK_PORT') ?? DEFAULT_OPENSTACK_PORT;
  const chartFile = path.join(path.dirname(dbFile), 'scenario.svg');
  const cloudsFile = path.join(path.dirname(dbFile), 'clouds.yaml');
  return { port, uiPort, dbFile, chartFile, scenarioSpeed, metricsPort, openstackPort, cloudsFile };
}

function portFrom(env: Env, name: string): number | undefined {
  const text = env[name];
  if (!text) return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new OptionError(`${name} must be a port number (1-65535), not ${text}`);
  }
  return port;
}

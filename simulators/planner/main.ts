import { parseArgs } from 'node:util';
import { startPlannerSimulator } from './index';

/**
 * The planner simulator as its own process: `node -r @swc-node/register simulators/planner/main.ts`
 * (`--port`, `--host`, `--token`, `--resend-interval-ms`, `--keep-alive shared|per-stream`,
 * `--shutdown-grace-ms`, `--pressure small=3` repeatable). It prints its URL. SIGTERM shuts it down as
 * the real planner does (new connections refused at once, open streams cut after the grace); SIGINT
 * (Ctrl-C) closes it at once. Drive it over /control/ (control.ts).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8081' },
      host: { type: 'string', default: '127.0.0.1' },
      token: { type: 'string' },
      'resend-interval-ms': { type: 'string', default: '30000' },
      'keep-alive': { type: 'string', default: 'shared' },
      'shutdown-grace-ms': { type: 'string', default: '30000' },
      pressure: { type: 'string', multiple: true, default: [] },
    },
  });
  const keepAlive = values['keep-alive'];
  if (keepAlive !== 'shared' && keepAlive !== 'per-stream') {
    throw new Error(`--keep-alive must be shared or per-stream, not ${keepAlive}`);
  }
  const simulator = await startPlannerSimulator({
    port: Number(values.port),
    host: values.host,
    token: values.token,
    resendIntervalMs: Number(values['resend-interval-ms']),
    keepAlive,
    shutdownGraceMs: Number(values['shutdown-grace-ms']),
  });
  for (const assignment of values.pressure) {
    const [flavor, value] = assignment.split('=');
    simulator.setPressure(flavor, Number(value));
  }
  console.log(simulator.url);
  process.once('SIGTERM', () => void simulator.shutdown().then(() => process.exit(0)));
  process.once('SIGINT', () => void simulator.close().then(() => process.exit(0)));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

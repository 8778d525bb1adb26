import { exitOnSignals } from '../http';
import { startGitHubSimulator } from './index';

/**
 * The GitHub simulator as its own process: `node -r @swc-node/register simulators/github/main.ts`.
 * GITHUB_SIMULATOR_PORT and GITHUB_SIMULATOR_TOKEN pick the port and the PAT, which it prints with its
 * base URL; GITHUB_SIMULATOR_PATH_PREFIX (e.g. /api/v3) serves it like GHES, GITHUB_SIMULATOR_JOB_PICKUP=manual
 * leaves queued jobs for POST /control/jobs/pickup. A test drives it over /control/ (see control.ts).
 */
if (require.main === module) {
  void startGitHubSimulator({
    port: Number(process.env.GITHUB_SIMULATOR_PORT ?? 0),
    token: process.env.GITHUB_SIMULATOR_TOKEN,
    pathPrefix: process.env.GITHUB_SIMULATOR_PATH_PREFIX || undefined,
    jobPickup: process.env.GITHUB_SIMULATOR_JOB_PICKUP === 'manual' ? 'manual' : 'auto',
  }).then((simulator) => {
    console.log(`GitHub simulator: ${simulator.url} (organisation ${simulator.org})`);
    console.log(`PAT: ${simulator.token}`);
    exitOnSignals(simulator);
  });
}

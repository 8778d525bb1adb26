import { exitOnSignals } from '../http';
import { DEFAULT_USERS, REGION } from './defaults';
import { startOpenStackSimulator } from './index';

/**
 * The OpenStack simulator as its own process: `node -r @swc-node/register simulators/openstack/main.ts`.
 * PORT (default 8774), HOST, BOOT_DELAY_MS and OPENSTACK_SIM_PASSWORD (the default user's password) set
 * it up; it prints the OS_* settings to reach it, and a test drives it over /control/.
 */
if (require.main === module) {
  const port = Number(process.env.PORT ?? 8774);
  const bootDelayMs = process.env.BOOT_DELAY_MS === undefined ? undefined : Number(process.env.BOOT_DELAY_MS);
  const password = process.env.OPENSTACK_SIM_PASSWORD;
  startOpenStackSimulator({
    port,
    host: process.env.HOST,
    bootDelayMs,
    users: password ? [{ ...DEFAULT_USERS[0], password }] : undefined,
  }).then(
    (sim) => {
      // The password is not printed: it is OPENSTACK_SIM_PASSWORD, or the default in DEFAULT_USERS.
      console.log(`OpenStack simulator: OS_AUTH_URL=${sim.authUrl}`);
      const { user, project } = sim.credentials;
      console.log(`OS_USERNAME=${user.name} OS_USER_DOMAIN_NAME=${user.domainName} OS_PROJECT_NAME=${project.name}`);
      console.log(`OS_PROJECT_DOMAIN_NAME=${project.domainName} OS_REGION_NAME=${REGION}`);
      exitOnSignals(sim);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}

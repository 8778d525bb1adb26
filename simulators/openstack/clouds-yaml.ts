import { stringify } from 'yaml';
import type { OpenStackSimulator } from './types';

/** The cloud name the embedded demo's clouds.yaml gives the simulator. */
export const DEMO_CLOUD = 'runner-autoscaler-demo';

/**
 * A clouds.yaml for the standard `openstack` CLI (and any openstacksdk or keystoneauth client): the
 * simulator's first user, its identity root as auth_url (the client discovers v3 there), its region.
 */
export function cloudsYaml(sim: Pick<OpenStackSimulator, 'baseUrl' | 'credentials'>, cloud = DEMO_CLOUD): string {
  const { user, project, password, region } = sim.credentials;
  return stringify({
    clouds: {
      [cloud]: {
        auth: {
          auth_url: `${sim.baseUrl}/identity`,
          username: user.name,
          password: password.reveal(),
          project_name: project.name,
          user_domain_name: user.domainName,
          project_domain_name: project.domainName,
        },
        region_name: region,
        interface: 'public',
      },
    },
  });
}

import { jitConfigFromUserData } from '../../../simulators/vm-boot';
import type { SimulatedCloud } from '../../../simulators/cloud';

/**
 * Every secret of a simulated cloud, labelled: the one list the history checks use. JIT configs are
 * caught as their VMs boot (the GitHub simulator does not list the ones it issued) and from the VMs
 * still there when asked.
 */
export interface LabelledSecret {
  label: string;
  value: string;
}

export interface SecretWatch {
  secrets(): LabelledSecret[];
  jitConfigCount(): number;
}

export function watchSecrets(cloud: SimulatedCloud): SecretWatch {
  const jitConfigs = new Set<string>();
  const remember = (userData: string | undefined) => {
    const jit = userData && jitConfigFromUserData(userData);
    if (jit) jitConfigs.add(jit);
  };
  cloud.openstack.onServerActive((server) => remember(server.userData));
  const config = cloud.workerConfig({ address: '', namespace: '', taskQueue: '' });
  const credentials = config.openstack.credentials;
  const fixed: LabelledSecret[] = [
    { label: 'planner token', value: config.planner?.token ?? '' },
    { label: 'GitHub token', value: config.github.auth.kind === 'token' ? config.github.auth.token : '' },
    { label: 'OpenStack password', value: credentials.authType === 'password' ? credentials.password.reveal() : '' },
    { label: 'OpenStack application credential', value: cloud.openstack.applicationCredentials.secret.reveal() },
  ];
  return {
    secrets() {
      for (const server of cloud.openstack.servers()) remember(server.userData);
      const jit = [...jitConfigs].map((value, i) => ({ label: `JIT config #${i + 1}`, value }));
      return [...fixed, ...jit].filter((secret) => secret.value.length >= 8);
    },
    jitConfigCount: () => jitConfigs.size,
  };
}

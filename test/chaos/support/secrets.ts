import type { SimulatedCloud } from '../../../simulators/cloud';
import type { LabelledSecret } from '../../../bench/soak/invariants';

export type { LabelledSecret };

/** Every secret of a simulated cloud, labelled: the one list the history checks use (SimulatedCloud.secrets). */
export interface SecretWatch {
  secrets(): LabelledSecret[];
  jitConfigCount(): number;
}

export function watchSecrets(cloud: SimulatedCloud): SecretWatch {
  return {
    secrets: () => cloud.secrets(),
    jitConfigCount: () => cloud.github.issuedJitConfigs().length,
  };
}

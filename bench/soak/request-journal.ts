import type { SimulatedCloud } from '../../simulators/cloud';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const withIsoTimes = <T extends { at: number; answeredAt?: number }>({ at, answeredAt, ...request }: T) => ({
  ...request,
  at: iso(at),
  answeredAt: iso(answeredAt),
});

/**
 * A failed soak's record of every VM create and every registration made or deleted, as the simulators
 * saw them, with times in the workers' log format: a twin or an orphan is traced to its requests here.
 */
export function requestJournal(cloud: SimulatedCloud) {
  return {
    novaCreates: cloud.openstack.stats.createRequests.map(withIsoTimes),
    githubRegistrations: cloud.github.stats.registrationRequests.map(withIsoTimes),
    vmsLeft: cloud.openstack.servers().map(({ id, name, status, created }) => ({ id, name, status, created })),
  };
}

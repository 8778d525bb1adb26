import { Client } from '@temporalio/client';
import { startSimulatedCloud } from '../simulators/cloud';
import { buildActivities } from '../worker';
import { startBaselinePoller } from './baseline-poller';
import { githubLimits } from './environment';
import { benchSpec, flavorNames } from './flavors';
import { latencies, LatencyProbe } from './latency-probe';
import { driveIncrements, type IncrementPlan } from './pressure-driver';
import { distribution, type Distribution } from './stats';

export interface BaselineCaseResult {
  flavors: number;
  changes: number;
  perSecond: number;
  intervalSeconds: number;
  latencyMs: Distribution;
  unmatched: number;
}

/**
 * The baseline run for real: the same simulators and the same create (the worker's activities, called
 * in this process), triggered by a poller instead of the stream. A change is timed when the planner
 * takes it; the poller sees it at its next GET.
 */
export async function runBaselineCase(
  plan: Omit<IncrementPlan, 'flavors'> & { flavors: number; intervalSeconds: number; githubPointsPerMinute?: number },
): Promise<BaselineCaseResult> {
  const points = plan.githubPointsPerMinute;
  const cloud = await startSimulatedCloud({ github: githubLimits(points) });
  const flavors = flavorNames(plan.flavors);
  // No workflow here: the Temporal client only carries stream signals, which a poller never sends, so a
  // lazy client that never connects is enough.
  const config = cloud.workerConfig({ address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'baseline' });
  const activities = buildActivities(
    { ...config, github: { ...config.github, endpointPointsPerMinute: points } },
    new Client(),
  );
  try {
    for (const flavor of flavors) cloud.planner.setPressure(flavor, 0);
    const poller = startBaselinePoller({
      plannerUrl: cloud.planner.url,
      plannerToken: config.planner?.token ?? '',
      flavors,
      intervalMs: plan.intervalSeconds * 1000,
      spec: benchSpec,
      createRunners: (request) => activities.createRunners(request),
    });
    const probe = new LatencyProbe();
    await driveIncrements(
      (flavor, value) => cloud.planner.setPressure(flavor, value),
      { ...plan, flavors },
      probe.recordChange,
    );
    await probe.waitForCreates(() => cloud.openstack.stats, plan.intervalSeconds * 1000 + 30_000);
    await poller.stop();
    const latenciesMs = latencies(probe.match(cloud.openstack.stats));
    return {
      flavors: plan.flavors,
      changes: plan.changes,
      perSecond: plan.perSecond,
      intervalSeconds: plan.intervalSeconds,
      latencyMs: distribution(latenciesMs),
      unmatched: plan.changes - latenciesMs.length,
    };
  } finally {
    await cloud.close();
  }
}

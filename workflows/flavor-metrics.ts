/**
 * The flavor's metrics, sent to the worker through the flavorMetrics sink (contracts/flavor-metrics.ts).
 * A sink rather than the workflow's metric meter: the meter's gauges are skipped on replay, so a worker
 * that took a flavor over showed none until a value changed; and a latency ends on the worker's own clock
 * when it handles the create's answer, whatever workflow time says about a local activity.
 */
import { proxySinks } from '@temporalio/workflow';
import type { FlavorGauges, FlavorMetricsSinks } from '../contracts/flavor-metrics';

const { flavorMetrics } = proxySinks<FlavorMetricsSinks>();

/** The gauges, sent whenever they differ from the last sent: the main loop wakes to send them. */
export function flavorGauges(flavor: string, read: () => FlavorGauges) {
  let sent: string | undefined;
  return {
    changed: () => JSON.stringify(read()) !== sent,
    send(): void {
      const gauges = read();
      const key = JSON.stringify(gauges);
      if (key === sent) return;
      flavorMetrics.gauges(flavor, gauges);
      sent = key;
    },
  };
}

export function scaleUpAnswered(flavor: string, riseAt: string): void {
  flavorMetrics.scaleUpAnswered(flavor, riseAt);
}

export function flavorEnded(flavor: string): void {
  flavorMetrics.ended(flavor);
}

export function runnersBooted(flavor: string, seconds: number[]): void {
  if (seconds.length > 0) flavorMetrics.runnersBooted(flavor, seconds);
}

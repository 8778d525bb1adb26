import { metricMeter } from '@temporalio/workflow';

/**
 * The desired count as the `expected_runners_count` gauge, emitted with the workflow's metric meter
 * whenever it changes (the SDK skips it on replay). It reaches the worker's /metrics through the SDK's
 * exporter, labelled by flavor beside the SDK's own namespace, task queue and workflow type.
 */
export function desiredGauge(flavor: string) {
  const gauge = metricMeter.createGauge('expected_runners_count', 'int', 'the desired runner count');
  let emitted: number | undefined;
  return {
    /** A value not emitted yet: the main loop wakes to emit it. */
    changed: (desired: number | undefined) => desired !== undefined && desired !== emitted,
    emit(desired: number | undefined): void {
      if (desired === undefined || desired === emitted) return;
      gauge.set(desired, { flavor });
      emitted = desired;
    },
  };
}

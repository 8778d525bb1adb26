import { histogramWindow, parseHistograms, quantiles } from '../../bench/sdk-histograms';

/** Bucket lines as Temporal core's Prometheus exporter writes them (from a benchmark worker's scrape). */
function bucketLines(counts: Record<string, number>, workflowType = 'flavorReconciler'): string[] {
  const labels = `namespace="default",service_name="temporal-core-sdk",task_queue="bench",workflow_type="${workflowType}"`;
  return Object.entries(counts).map(
    ([le, n]) => `temporal_workflow_task_execution_latency_bucket{${labels},le="${le}"} ${n}`,
  );
}
const read = (counts: Record<string, number>) => parseHistograms(bucketLines(counts).join('\n'));

describe("the benchmark's reading of Temporal core's histograms", () => {
  it('sums a histogram over its label sets and ignores the series it does not ask for', () => {
    const text = [
      '# TYPE temporal_workflow_task_execution_latency histogram',
      ...bucketLines({ 5: 2, 10: 3, '+Inf': 4 }),
      ...bucketLines({ 5: 1, 10: 1, '+Inf': 1 }, 'otherWorkflow'),
      'temporal_workflow_task_execution_latency_sum{namespace="default"} 40',
      'temporal_request_latency_bucket{operation="PollWorkflowTaskQueue",le="5"} 99',
    ].join('\n');
    const histograms = parseHistograms(text);
    expect(Object.fromEntries(histograms.workflow_task_execution_latency)).toEqual({ 5: 3, 10: 4, Infinity: 5 });
    expect(histograms.local_activity_execution_latency.size).toBe(0);
  });

  // [cumulative buckets, p50, p90, p99]
  const cases: [[number, number][], number, number, number][] = [
    [
      [
        [1, 0],
        [2, 50],
        [3, 99],
        [Infinity, 100],
      ],
      2,
      3,
      3,
    ],
    [
      [
        [1, 10],
        [2, 10],
        [Infinity, 10],
      ],
      1,
      1,
      1,
    ],
    [
      [
        [5, 1],
        [10, 1],
        [Infinity, 2],
      ],
      5,
      Infinity,
      Infinity,
    ],
  ];
  it.each(cases)('takes the nearest rank from cumulative buckets %j', (buckets, p50, p90, p99) => {
    expect(quantiles(buckets)).toMatchObject({ p50, p90, p99 });
  });

  it('counts only what was recorded between two reads', () => {
    const window = histogramWindow(read({ 5: 100, 10: 100, '+Inf': 100 }), read({ 5: 101, 10: 110, '+Inf': 110 }));
    // Over both reads' totals the p50 would sit in the 5 ms bucket; the window's ten are mostly above it.
    expect(window.workflow_task_execution_latency).toEqual({ count: 10, p50: 10, p90: 10, p99: 10 });
    expect(window.local_activity_execution_latency.count).toBe(0);
  });
});

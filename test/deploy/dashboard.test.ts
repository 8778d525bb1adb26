import { readDashboard } from './support/deploy-queries';

/**
 * deploy/grafana/runner-autoscaler.json as Grafana imports it: a data-source variable and a flavor
 * variable, and the panels the issue asks for, each with a query on that data source. (That the
 * queries read real series is test/deploy/dashboard-metrics.test.ts.)
 */
const dashboard = readDashboard();
const panels = dashboard.panels.filter((panel) => panel.type !== 'row');

test('it has a Prometheus data-source variable and a multi-value flavor variable with All', () => {
  const variables = dashboard.templating.list as unknown as Record<string, unknown>[];
  expect(variables).toEqual([
    expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
    expect.objectContaining({ name: 'flavor', type: 'query', multi: true, includeAll: true, allValue: '.*' }),
  ]);
});

test('it has every panel asked for, each with a query on the chosen data source', () => {
  expect(panels.map((panel) => panel.title)).toEqual(
    expect.arrayContaining([
      'Pressure vs desired vs runners',
      'Busy and idle runners',
      'Creates and failures',
      'Cleanup removals by reason',
      'Stream connected and fallback',
      'GitHub rate limit remaining',
      'Scale-up latency',
      'Runner boot',
      'Job wait (reactive)',
      'Worker task-slot usage',
    ]),
  );
  for (const panel of panels as unknown as { targets: { expr: string }[]; datasource: { uid: string } }[]) {
    expect(panel.targets.length).toBeGreaterThan(0);
    expect(panel.datasource.uid).toBe('${datasource}');
  }
  const latency = panels.filter((panel) => panel.title.match(/latency|boot|wait/i));
  for (const panel of latency) {
    for (const target of panel.targets ?? []) expect(target.expr).toMatch(/^histogram_quantile\(0\.\d+, /);
  }
});

test('panel ids are unique and panels do not overlap', () => {
  const all = dashboard.panels as unknown as { id: number; gridPos: { x: number; y: number; w: number; h: number } }[];
  expect(new Set(all.map((panel) => panel.id)).size).toBe(all.length);
  const cells = new Set<string>();
  for (const { gridPos } of all) {
    for (let x = gridPos.x; x < gridPos.x + gridPos.w; x += 1) {
      for (let y = gridPos.y; y < gridPos.y + gridPos.h; y += 1) {
        expect(cells.has(`${x},${y}`)).toBe(false);
        cells.add(`${x},${y}`);
      }
    }
  }
  expect(Math.max(...all.map(({ gridPos }) => gridPos.x + gridPos.w))).toBeLessThanOrEqual(24);
});

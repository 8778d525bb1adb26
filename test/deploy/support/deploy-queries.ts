import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { samples } from '../../support/prometheus-text';
import { grafanaToPromQL, selectorsOf } from './promql';

const root = path.resolve(__dirname, '../../..');
export const dashboardFile = path.join(root, 'deploy', 'grafana', 'runner-autoscaler.json');
export const rulesFile = path.join(root, 'deploy', 'prometheus', 'alerts.yaml');

/** A PromQL expression and where it is used. */
export interface Query {
  where: string;
  expr: string;
}

interface Panel {
  title: string;
  type: string;
  targets?: { expr: string }[];
}
export interface Dashboard {
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: { query: string } | string }[] };
}

export const readDashboard = (file = dashboardFile): Dashboard => JSON.parse(readFileSync(file, 'utf8')) as Dashboard;

/** Every panel target's expression, as Prometheus gets it, and the metric a label_values() variable reads. */
export function dashboardQueries(dashboard: Dashboard): Query[] {
  const targets = dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ where: `panel "${panel.title}"`, expr: grafanaToPromQL(target.expr) })),
  );
  const variables = dashboard.templating.list.flatMap((variable) => {
    const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
    const labelValues = query && /^label_values\(\s*(.+),\s*\w+\s*\)$/.exec(query);
    return labelValues ? [{ where: `variable $${variable.name}`, expr: labelValues[1] }] : [];
  });
  return [...targets, ...variables];
}

export function ruleQueries(file = rulesFile): Query[] {
  const doc = parse(readFileSync(file, 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
  return doc.groups.flatMap((group) => group.rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr })));
}

/** Made by Prometheus itself, not by any target: `up` (1 when the scrape succeeded). */
const prometheusOwn = new Set(['up']);
/** Labels Prometheus adds to every series it scrapes. */
const targetLabels = new Set(['job', 'instance']);

/**
 * What the queries read that a worker's /metrics text does not have: a metric with no sample there, or
 * a label matched on that none of the metric's samples carries. One line per problem, naming where.
 */
export function missingFromScrape(queries: Query[], scrape: string): string[] {
  const labelsOf = labelsByMetric(scrape);
  const problems = new Set<string>();
  for (const { where, expr } of queries) {
    for (const { metric, labels } of selectorsOf(expr)) {
      if (prometheusOwn.has(metric)) continue;
      const known = labelsOf.get(metric);
      if (!known) {
        problems.add(`${where}: ${metric} is not in /metrics`);
        continue;
      }
      for (const label of labels.filter((l) => !targetLabels.has(l) && !known.has(l))) {
        problems.add(`${where}: ${metric} has no label ${label}`);
      }
    }
  }
  return [...problems];
}

/** Each metric of a /metrics text, with the label names its samples carry. */
export function labelsByMetric(scrape: string): Map<string, Set<string>> {
  const labelsOf = new Map<string, Set<string>>();
  for (const { name, labels } of samples(scrape)) {
    const known = labelsOf.get(name) ?? new Set<string>();
    for (const label of labels) known.add(label.slice(0, label.indexOf('=')));
    labelsOf.set(name, known);
  }
  return labelsOf;
}

/** Dashboard queries that read a per-flavor metric without the $flavor variable's matcher. */
export function ignoringFlavor(dashboard: Dashboard, scrape: string): string[] {
  const labelsOf = labelsByMetric(scrape);
  return dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).flatMap(({ expr }) =>
      selectorsOf(grafanaToPromQL(expr))
        .filter(({ metric, labels }) => labelsOf.get(metric)?.has('flavor') && !labels.includes('flavor'))
        .map(({ metric }) => `panel "${panel.title}": ${metric}`),
    ),
  );
}

import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';

/** A metric selector of a PromQL expression: its metric name and the labels its matchers name. */
export interface Selector {
  metric: string;
  labels: string[];
}

/**
 * The metric selectors of a PromQL expression, read with Prometheus's own grammar (the Lezer parser its
 * web UI uses): function names, aggregations, keywords and grouping labels are not metrics. A syntax
 * error throws, with where it is.
 */
export function selectorsOf(expr: string): Selector[] {
  const tree = parser.parse(expr);
  const selectors: Selector[] = [];
  let error: number | undefined;
  tree.iterate({
    enter(node) {
      if (node.type.isError) error ??= node.from;
      if (node.name === 'VectorSelector') selectors.push(selectorOf(node.node, expr));
    },
  });
  if (error !== undefined) throw new Error(`PromQL syntax error at ${error} in: ${expr}`);
  return selectors;
}

function selectorOf(node: SyntaxNode, expr: string): Selector {
  const text = (n: SyntaxNode) => expr.slice(n.from, n.to);
  const identifier = node.getChild('Identifier');
  const matchers = node.getChild('LabelMatchers');
  const labels = matchers
    ? matchers.getChildren('UnquotedLabelMatcher').map((m) => text(m.getChild('LabelName')!))
    : [];
  if (!identifier) throw new Error(`a selector without a metric name in: ${expr}`);
  return { metric: text(identifier), labels };
}

/**
 * A Grafana target's expression as Prometheus gets it: the dashboard's variables replaced the way
 * Grafana does (an interval for the `$__…` ones, the `All` value `.*` for the flavor).
 */
export function grafanaToPromQL(expr: string): string {
  return expr.replace(/\$__(rate_interval|interval|range)\b/g, '5m').replace(/\$\{?flavor\}?/g, '.*');
}

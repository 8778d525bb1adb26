/** Reading Prometheus text as /metrics serves it (prom-client's own and the Temporal SDK's). */

interface Sample {
  name: string;
  labels: string[];
  value: string;
}

/** Every sample line: its metric name, its `label="value"` pairs as written, and its value. */
export function samples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => ({
      ...parseSeries(line.slice(0, line.lastIndexOf(' '))),
      value: line.slice(line.lastIndexOf(' ') + 1),
    }));
}

/**
 * The value of one series, `name{labels}` as prom-client writes it, or undefined. A series the SDK
 * writes carries its own labels too (namespace, task queue, workflow type): the asked ones must match.
 */
export function sample(text: string, series: string): number | undefined {
  const wanted = parseSeries(series);
  const matches = samples(text).filter(
    ({ name, labels }) => name === wanted.name && wanted.labels.every((label) => labels.includes(label)),
  );
  if (matches.length > 1) throw new Error(`${series} matches ${matches.length} series`);
  return matches[0] && Number(matches[0].value);
}

function parseSeries(series: string): { name: string; labels: string[] } {
  const brace = series.indexOf('{');
  if (brace < 0) return { name: series, labels: [] };
  return { name: series.slice(0, brace), labels: series.slice(brace + 1, -1).split(/,(?=[a-zA-Z_]+=")/) };
}

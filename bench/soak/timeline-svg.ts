/**
 * The soak's timeline: one panel per flavor, its pressure, VMs and busy runners over time, with the
 * fault windows shaded behind them by channel (a flavor's own faults on its panel only). Drawn with the
 * worker's line chart (worker/chart-svg.ts), the panels stacked in one SVG document.
 */
import { lineChartSvg, type ChartBand } from '../../worker';
import type { SoakWindow } from './events';
import type { Sample } from './observer';

const CHANNEL_COLORS: Record<string, string> = {
  planner: '#d62728',
  openstack: '#ff7f0e',
  github: '#2ca02c',
  worker: '#9467bd',
  temporal: '#8c564b',
  operator: '#17becf',
};

const PANEL = { width: 1100, height: 300 };

export function timelineSvg(options: {
  flavors: string[];
  samples: Sample[];
  windows: SoakWindow[];
  startedAt: number;
  endedAt: number;
  title: string;
}): string {
  const { flavors, samples, windows, startedAt, endedAt } = options;
  const seconds = (at: number) => (at - startedAt) / 1000;
  const panels = flavors.map((flavor, index) => {
    const bands: ChartBand[] = windows
      .filter((window) => window.flavor === undefined || window.flavor === flavor)
      .map((window) => ({
        from: seconds(window.from),
        to: seconds(window.to ?? endedAt),
        label: `${window.channel} fault`,
        color: CHANNEL_COLORS[window.channel] ?? '#7f7f7f',
      }));
    const series = (label: string, color: string, pick: (s: Sample['flavors'][string]) => number, dashed = false) => ({
      label,
      color,
      dashed,
      points: samples.map((sample) => ({ x: sample.at, y: pick(sample.flavors[flavor]) })),
    });
    const svg = lineChartSvg(
      {
        title: index === 0 ? `${options.title} — ${flavor}` : flavor,
        xLabel: 'seconds since the soak began',
        yLabel: 'count',
        series: [
          series('pressure', '#1f77b4', (s) => s.pressure, true),
          series('VMs', '#1f77b4', (s) => s.vms),
          series('busy runners', '#e377c2', (s) => s.busy),
        ],
        bands,
      },
      PANEL,
    );
    return svg.replace('<svg ', `<svg y="${index * PANEL.height}" `);
  });
  const height = PANEL.height * flavors.length;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${PANEL.width}" height="${height}" viewBox="0 0 ${PANEL.width} ${height}">`,
    ...panels,
    '</svg>',
    '',
  ].join('\n');
}

/** A line chart as a standalone SVG document, written by hand: no charting dependency for one picture. */

export interface ChartSeries {
  label: string;
  /** Any SVG colour. */
  color: string;
  dashed?: boolean;
  /** In x order. */
  points: { x: number; y: number }[];
}

/** A stretch of x shaded behind the series (a fault's window, say); bands of one label share a legend line. */
export interface ChartBand {
  from: number;
  to: number;
  label: string;
  color: string;
}

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  bands?: ChartBand[];
}

const MARGIN = { left: 56, right: 190, top: 44, bottom: 52 };

/**
 * Counts hold between samples, so each series is drawn as steps (horizontal, then vertical), not as
 * slopes that would show values nobody ever had. Axes start at 0 and end at a round number.
 */
export function lineChartSvg(chart: LineChart, size = { width: 960, height: 440 }): string {
  const { width, height } = size;
  const plot = {
    left: MARGIN.left,
    top: MARGIN.top,
    width: width - MARGIN.left - MARGIN.right,
    height: height - MARGIN.top - MARGIN.bottom,
  };
  const all = chart.series.flatMap((series) => series.points);
  const bands = chart.bands ?? [];
  const xTicks = ticks(Math.max(0, ...all.map((point) => point.x), ...bands.map((band) => band.to)));
  const yTicks = ticks(Math.max(0, ...all.map((point) => point.y)));
  const xMax = xTicks[xTicks.length - 1];
  const yMax = yTicks[yTicks.length - 1];
  const px = (x: number) => num(plot.left + (x / xMax) * plot.width);
  const py = (y: number) => num(plot.top + plot.height - (y / yMax) * plot.height);
  const bottom = plot.top + plot.height;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="white"/>`,
    `<text x="${plot.left}" y="24" font-size="16" font-weight="bold">${escapeXml(chart.title)}</text>`,
  ];
  for (const band of bands) {
    const x = px(Math.max(0, band.from));
    parts.push(
      `<rect x="${x}" y="${plot.top}" width="${num(Math.max(1, px(band.to) - x))}" height="${plot.height}" fill="${escapeXml(band.color)}" fill-opacity="0.18"/>`,
    );
  }
  for (const y of yTicks) {
    parts.push(
      `<line x1="${plot.left}" y1="${py(y)}" x2="${plot.left + plot.width}" y2="${py(y)}" stroke="#e5e5e5"/>`,
      `<text x="${plot.left - 8}" y="${num(py(y) + 4)}" text-anchor="end">${y}</text>`,
    );
  }
  for (const x of xTicks) {
    parts.push(`<text x="${px(x)}" y="${bottom + 18}" text-anchor="middle">${x}</text>`);
  }
  parts.push(
    `<line x1="${plot.left}" y1="${bottom}" x2="${plot.left + plot.width}" y2="${bottom}" stroke="#333"/>`,
    `<line x1="${plot.left}" y1="${plot.top}" x2="${plot.left}" y2="${bottom}" stroke="#333"/>`,
    `<text x="${num(plot.left + plot.width / 2)}" y="${height - 12}" text-anchor="middle">${escapeXml(chart.xLabel)}</text>`,
    `<text x="16" y="${num(plot.top + plot.height / 2)}" text-anchor="middle" transform="rotate(-90 16 ${num(plot.top + plot.height / 2)})">${escapeXml(chart.yLabel)}</text>`,
  );
  if (all.length === 0) {
    parts.push(
      `<text x="${num(plot.left + plot.width / 2)}" y="${num(plot.top + plot.height / 2)}" text-anchor="middle" fill="#888">no data yet</text>`,
    );
  }
  chart.series.forEach((series, index) => {
    const dash = series.dashed ? ' stroke-dasharray="6 4"' : '';
    if (series.points.length > 0) {
      const points = stepPoints(series.points).map(({ x, y }) => `${px(x)},${py(y)}`);
      parts.push(
        `<polyline fill="none" stroke="${escapeXml(series.color)}" stroke-width="2"${dash} points="${points.join(' ')}"/>`,
      );
    }
    const legendX = plot.left + plot.width + 20;
    const legendY = plot.top + 8 + index * 22;
    parts.push(
      `<line x1="${legendX}" y1="${legendY}" x2="${legendX + 28}" y2="${legendY}" stroke="${escapeXml(series.color)}" stroke-width="2"${dash}/>`,
      `<text x="${legendX + 36}" y="${legendY + 4}">${escapeXml(series.label)}</text>`,
    );
  });
  const bandLegend = [...new Map(bands.map((band) => [band.label, band.color])).entries()];
  bandLegend.forEach(([label, color], index) => {
    const legendX = plot.left + plot.width + 20;
    const legendY = plot.top + 8 + (chart.series.length + index) * 22;
    parts.push(
      `<rect x="${legendX}" y="${legendY - 7}" width="28" height="14" fill="${escapeXml(color)}" fill-opacity="0.35"/>`,
      `<text x="${legendX + 36}" y="${legendY + 4}">${escapeXml(label)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** Each value holds until the next sample. */
function stepPoints(points: { x: number; y: number }[]): { x: number; y: number }[] {
  return points.flatMap((point, i) => (i === 0 ? [point] : [{ x: point.x, y: points[i - 1].y }, point]));
}

/** 0, step, 2 step, … up to the first multiple of a round step (1, 2 or 5 × 10^n) at or above max; at least 0..1. */
function ticks(max: number): number[] {
  const raw = Math.max(max, 1) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= raw) ?? raw);
  const count = Math.max(1, Math.ceil(max / step));
  return Array.from({ length: count + 1 }, (_, i) => i * step);
}

/** One decimal is plenty for pixels and keeps the file small. */
function num(value: number): number {
  return Math.round(value * 10) / 10;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}

import { lineChartSvg, type LineChart } from '../../worker/chart-svg';

/** Every tag closed in order: enough of an XML check for a document this simple. */
function expectWellFormed(svg: string): void {
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  expect(svg).not.toMatch(/NaN|undefined|Infinity/);
  const open: string[] = [];
  for (const [, closing, name, selfClosing] of svg.matchAll(/<(\/?)([a-zA-Z]+)\b[^>]*?(\/?)>/g)) {
    if (closing) expect(open.pop()).toBe(name);
    else if (!selfClosing) open.push(name);
  }
  expect(open).toEqual([]);
  // Outside tags, only text with escaped markup.
  expect(svg.replace(/<[^>]*>/g, '')).not.toMatch(/[<>]|&(?!(amp|lt|gt|quot|apos);)/);
}

const chart: LineChart = {
  title: 'pressure & runners',
  xLabel: 'seconds since start',
  yLabel: 'count',
  series: [
    {
      label: 'small pressure',
      color: '#1f77b4',
      dashed: true,
      points: [
        { x: 0, y: 0 },
        { x: 10, y: 3 },
        { x: 20, y: 8 },
      ],
    },
    {
      label: 'small runners',
      color: '#1f77b4',
      points: [
        { x: 0, y: 1 },
        { x: 10, y: 1 },
        { x: 20, y: 8 },
      ],
    },
    { label: 'large <runners>', color: '#ff7f0e', points: [] },
  ],
};

function polylines(svg: string): { stroke: string; dashed: boolean; points: number[][] }[] {
  return [...svg.matchAll(/<polyline ([^>]*)\/>/g)].map(([, attributes]) => ({
    stroke: /stroke="([^"]*)"/.exec(attributes)?.[1] ?? '',
    dashed: attributes.includes('stroke-dasharray'),
    points: (/points="([^"]*)"/.exec(attributes)?.[1] ?? '').split(' ').map((pair) => pair.split(',').map(Number)),
  }));
}

describe('lineChartSvg', () => {
  test('draws every series with points as a step line, in its colour and dash, with a legend entry', () => {
    const svg = lineChartSvg(chart);
    expectWellFormed(svg);
    const lines = polylines(svg);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ stroke: '#1f77b4', dashed: true });
    expect(lines[1]).toMatchObject({ stroke: '#1f77b4', dashed: false });
    // Three samples drawn as steps: the first point, then a horizontal and a vertical segment per change.
    expect(lines[0].points).toHaveLength(5);
    const [first, corner, second] = lines[0].points;
    expect(corner[1]).toBe(first[1]);
    expect(corner[0]).toBe(second[0]);
    for (const label of ['small pressure', 'small runners', 'large &lt;runners&gt;']) {
      expect(svg).toContain(`>${label}</text>`);
    }
    expect(svg).toContain('>pressure &amp; runners</text>');
  });

  test('scales to the data: the highest value is drawn at the top of the plot, 0 at the bottom', () => {
    const [pressure] = polylines(lineChartSvg(chart));
    const ys = pressure.points.map(([, y]) => y);
    const top = Math.min(...ys);
    const bottom = Math.max(...ys);
    const svg = lineChartSvg(chart);
    expect(svg).toContain(`y1="${top}"`);
    expect(svg).toContain(`<line x1="56" y1="${bottom}"`);
    // y ticks: 0, 2, 4, 6, 8.
    for (const tick of [0, 2, 4, 6, 8]) expect(svg).toContain(`text-anchor="end">${tick}</text>`);
  });

  test('handles no data at all: axes, legend, a note, and no line', () => {
    for (const empty of [
      { ...chart, series: [] },
      { ...chart, series: [{ ...chart.series[2] }] },
    ]) {
      const svg = lineChartSvg(empty);
      expectWellFormed(svg);
      expect(polylines(svg)).toHaveLength(0);
      expect(svg).toContain('no data yet');
    }
  });

  test('handles a single sample and fractional times', () => {
    const svg = lineChartSvg({
      ...chart,
      series: [{ label: 'one', color: 'black', points: [{ x: 0.4, y: 0 }] }],
    });
    expectWellFormed(svg);
    expect(polylines(svg)[0].points).toHaveLength(1);
  });

  test('shades bands behind the series, stretching the x axis to the last, one legend line per label', () => {
    const svg = lineChartSvg({
      ...chart,
      bands: [
        { from: 5, to: 8, label: 'planner <fault>', color: '#d62728' },
        { from: 12, to: 40, label: 'planner <fault>', color: '#d62728' },
        { from: 2, to: 3, label: 'worker', color: '#9467bd' },
      ],
    });
    expectWellFormed(svg);
    const rects = [...svg.matchAll(/<rect ([^>]*)\/>/g)].map(([, attributes]) => attributes);
    expect(rects.filter((r) => r.includes('fill-opacity="0.18"'))).toHaveLength(3);
    expect(svg.match(/planner &lt;fault&gt;/g)).toHaveLength(1);
    expect(svg).toContain('>worker</text>');
    // The x axis reaches the last band's end (40) although the series stop at 20.
    expect(svg).toMatch(/>40<\/text>/);
    // Bands come before the lines: the lines are drawn over them.
    expect(svg.indexOf('fill-opacity="0.18"')).toBeLessThan(svg.indexOf('<polyline'));
  });
});

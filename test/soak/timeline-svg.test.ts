import type { SoakWindow } from '../../bench/soak/events';
import type { Sample } from '../../bench/soak/observer';
import { timelineSvg } from '../../bench/soak/timeline-svg';

const samples: Sample[] = [0, 5, 10].map((at) => ({
  at,
  flavors: { a: { pressure: at / 5, vms: at / 5, busy: 0 }, b: { pressure: 1, vms: 1, busy: 1 } },
}));
const window = (kind: string, channel: string, from: number, to?: number, flavor?: string): SoakWindow => ({
  kind,
  channel,
  from,
  to,
  flavor,
  recoveryMs: 0,
  blocksCleanup: false,
});

describe('the soak timeline', () => {
  const svg = timelineSvg({
    flavors: ['a', 'b'],
    samples,
    windows: [
      window('github-5xx', 'github', 1_000, 3_000),
      window('planner-delete-flavor', 'planner', 4_000, 6_000, 'b'),
      window('temporal-restart', 'temporal', 8_000),
    ],
    startedAt: 0,
    endedAt: 12_000,
    title: 'soak, seed 1',
  });
  const panels = svg.split('<svg y=').slice(1);

  test('one panel per flavor, stacked, each with pressure, VMs and busy runners', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="1100" height="600"')).toBe(true);
    expect(panels.map((panel) => /^"(\d+)"/.exec(panel)?.[1])).toEqual(['0', '300']);
    for (const panel of panels) expect(panel.match(/<polyline /g)).toHaveLength(3);
    expect(svg).toContain('soak, seed 1 — a');
  });

  test("a flavor's own fault is shaded on its panel only; a fault still open runs to the end", () => {
    const shaded = (panel: string) => panel.match(/fill-opacity="0.18"/g)?.length ?? 0;
    expect(panels.map(shaded)).toEqual([2, 3]);
    expect(panels[1]).toContain('>planner fault</text>');
    expect(panels[0]).not.toContain('>planner fault</text>');
    // The open Temporal window reaches the end (12 s), so the axis does.
    expect(svg).toMatch(/>12<\/text>|>15<\/text>/);
  });
});

import type { LineChart } from '../chart-svg';
import type { FlavorView } from './observe';

/** An hour of one-per-second samples per flavor; older ones are dropped, so a long run stays small. */
const MAX_SAMPLES = 3600;
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd'];

interface Sample {
  seconds: number;
  pressure: number;
  runners?: number;
}

/** Pressure and runner counts over time, per flavor, for the chart. */
export class History {
  private readonly samples = new Map<string, Sample[]>();

  record(seconds: number, views: FlavorView[]): void {
    for (const view of views) {
      const samples = this.samples.get(view.flavor) ?? [];
      this.samples.set(view.flavor, samples);
      samples.push({ seconds, pressure: view.pressure, runners: view.state?.currentRunners });
      if (samples.length > MAX_SAMPLES) samples.shift();
    }
  }

  /** Pressure dashed, runners solid, one colour per flavor; a runner count the query missed is left out. */
  chart(title: string): LineChart {
    const series = [...this.samples].flatMap(([flavor, samples], index) => {
      const color = COLORS[index % COLORS.length];
      return [
        {
          label: `${flavor} pressure`,
          color,
          dashed: true,
          points: samples.map((sample) => ({ x: sample.seconds, y: sample.pressure })),
        },
        {
          label: `${flavor} runners`,
          color,
          points: samples.flatMap((sample) =>
            sample.runners === undefined ? [] : [{ x: sample.seconds, y: sample.runners }],
          ),
        },
      ];
    });
    return { title, xLabel: 'seconds since start', yLabel: 'count', series };
  }
}

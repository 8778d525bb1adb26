import type { Client } from '@temporalio/client';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SimulatedCloud } from '../../simulators/cloud';
import { lineChartSvg } from '../chart-svg';
import { dashboardLines, displayPath, statusLine, type DashboardView } from './dashboard';
import { History } from './history';
import { observeFlavors } from './observe';
import type { ScenarioPlayer } from './scenario';
import type { LiveTerminal } from './terminal';

const REFRESH_MS = 1000;

export interface LiveView {
  /** Writes the chart of everything recorded so far and says where. */
  writeChart(why: string): void;
  /** Stops refreshing, after the refresh under way. */
  stop(): Promise<void>;
}

/** About once a second: observe every flavor, record it for the chart, and redraw the terminal. */
export function startLiveView(deps: {
  terminal: LiveTerminal;
  client: Client;
  cloud: SimulatedCloud;
  flavors: string[];
  pressureOf: (flavor: string) => number;
  scenario: ScenarioPlayer;
  speed: number;
  chartFile: string;
}): LiveView {
  const { terminal, scenario } = deps;
  const startedAt = Date.now();
  const history = new History();
  let chartWrittenAt: number | undefined;
  const stopped = new AbortController();

  const refresh = async () => {
    const flavors = await observeFlavors(deps.client, deps.cloud, deps.flavors, deps.pressureOf);
    const now = Date.now();
    history.record((now - startedAt) / 1000, flavors);
    const view: DashboardView = {
      now,
      scenario: {
        elapsedSeconds: scenario.elapsedSeconds(),
        durationSeconds: scenario.durationSeconds,
        done: scenario.done(),
        speed: deps.speed,
      },
      chart: { file: deps.chartFile, writtenAt: chartWrittenAt },
      flavors,
    };
    terminal.update(terminal.interactive ? dashboardLines(view) : [statusLine(view)]);
  };

  const loop = (async () => {
    while (!stopped.signal.aborted) {
      await refresh().catch((err: unknown) => terminal.print(`refresh failed: ${(err as Error).message}`));
      await sleep(REFRESH_MS, undefined, { signal: stopped.signal }).catch(() => undefined);
    }
  })();

  return {
    writeChart(why) {
      try {
        mkdirSync(path.dirname(deps.chartFile), { recursive: true });
        writeFileSync(deps.chartFile, lineChartSvg(history.chart('npm start: pressure and runners per flavor')));
        chartWrittenAt = Date.now();
        terminal.print(`${why}: chart of pressure and runners written to ${displayPath(deps.chartFile)}`);
      } catch (err) {
        terminal.print(`${why}: could not write ${deps.chartFile}: ${(err as Error).message}`);
      }
    },
    async stop() {
      stopped.abort();
      await loop;
    },
  };
}

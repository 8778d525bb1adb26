import path from 'node:path';
import type { FlavorView } from './observe';
import type { StartedFlavor } from './flavors';
import textTable from 'text-table';

/** The text of the embedded default's terminal: pure functions of what is known, no I/O. */

export interface HeaderInfo {
  /** host:port of the Temporal frontend. */
  address: string;
  /** Set when this process started the dev server. */
  devServer?: { pid: number; dbFile: string };
  uiUrl: string;
  /** The temporal binary for the commands to try; `temporal` when unknown. */
  cliPath?: string;
  /** Whether the CLI's default address (127.0.0.1:7233) reaches the server. */
  defaultAddress: boolean;
  flavors: StartedFlavor[];
  /** The simulated cloud's identity root and the clouds.yaml written for the `openstack` CLI. */
  openstack?: { authUrl: string; cloudsFile: string; cloud: string };
}

export interface DashboardView {
  now: number;
  scenario: { elapsedSeconds: number; durationSeconds: number; done: boolean; speed: number };
  chart: { file: string; writtenAt?: number };
  flavors: FlavorView[];
}

export function headerLines(info: HeaderInfo): string[] {
  const cli = shellQuote(info.cliPath ?? 'temporal');
  const address = info.defaultAddress ? '' : ` --address ${info.address}`;
  const server = info.devServer
    ? `${info.address}, dev server started here (pid ${info.devServer.pid}), database ${displayPath(info.devServer.dbFile)}`
    : `${info.address}, a server that was already running (left running at exit)`;
  const flavors = info.flavors
    .map(({ workflowId, reused }) => `${workflowId} ${reused ? 'reused (already running)' : 'started'}`)
    .join(', ');
  return [
    'runner-autoscaler, embedded default: Temporal dev server, simulated planner, OpenStack and GitHub, one worker',
    `Temporal  ${server}`,
    `Web UI    ${info.uiUrl}${info.devServer ? '' : ' (if that server serves one there)'}`,
    `Flavors   ${flavors}`,
    ...(info.openstack
      ? [`OpenStack ${info.openstack.authUrl} (clouds.yaml: ${displayPath(info.openstack.cloudsFile)})`]
      : []),
    'Try, in another terminal:',
    `  ${cli} workflow query --workflow-id flavor-small --name state${address}`,
    `  ${cli} workflow signal --workflow-id flavor-small --name setFallbackRunners --input 3${address}`,
    `  ${cli} workflow update execute --workflow-id flavor-small --name setFallbackRunners --input 4${address}`,
    ...(info.openstack
      ? [
          `  OS_CLIENT_CONFIG_FILE=${shellQuote(displayPath(info.openstack.cloudsFile))} openstack --os-cloud ${info.openstack.cloud} server list`,
        ]
      : []),
    'Ctrl-C stops everything.',
    '',
  ];
}

const COLUMNS = ['flavor', 'pressure', 'desired', 'runners', 'VMs', 'busy', 'mode', 'stream', 'last cleanup'];

/** The live area of an interactive terminal: scenario progress, one table row per flavor, then problems. */
export function dashboardLines(view: DashboardView): string[] {
  const rows = view.flavors.map((flavor) => [
    flavor.flavor,
    String(flavor.pressure),
    count(flavor.state?.desired),
    count(flavor.state?.currentRunners),
    vmText(flavor.vms),
    String(flavor.busy),
    flavor.state?.mode ?? '?',
    streamText(flavor),
    cleanupText(flavor, view.now),
  ]);
  const problems = view.flavors.flatMap(problemLines);
  return [
    `${scenarioText(view)}   ${chartText(view)}`,
    '',
    ...textTable([COLUMNS, ...rows]).split('\n'),
    ...(problems.length > 0 ? ['', ...problems] : []),
  ];
}

/** One line per refresh when stdout is not a terminal (a pipe or a file): `key=value`, easy to grep. */
export function statusLine(view: DashboardView): string {
  const flavors = view.flavors.map((flavor) =>
    [
      `${flavor.flavor}:`,
      `pressure=${flavor.pressure}`,
      `desired=${count(flavor.state?.desired)}`,
      `runners=${count(flavor.state?.currentRunners)}`,
      `vms=${total(flavor.vms)}`,
      `busy=${flavor.busy}`,
      `mode=${flavor.state?.mode ?? '?'}`,
      `stream=${flavor.state?.stream ? (flavor.state.stream.connected ? 'up' : 'down') : '-'}`,
      `cleanup=${flavor.state?.lastCleanup ? ago(flavor.state.lastCleanup.at, view.now) : 'never'}`,
    ].join(' '),
  );
  const scenario = `${Math.floor(view.scenario.elapsedSeconds)}/${view.scenario.durationSeconds}s`;
  return `[${new Date(view.now).toISOString().slice(11, 19)} scenario ${scenario}] ${flavors.join(' | ')}`;
}

export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

function scenarioText({ scenario }: DashboardView): string {
  const speed = scenario.speed === 1 ? '' : ` at ${scenario.speed}x`;
  if (scenario.done) return `Scenario done (${scenario.durationSeconds} s${speed}); the last pressures stay.`;
  return `Scenario ${Math.floor(scenario.elapsedSeconds)} s of ${scenario.durationSeconds} s${speed}.`;
}

function chartText({ chart, now }: DashboardView): string {
  const file = displayPath(chart.file);
  if (chart.writtenAt === undefined) return `Chart: ${file}, written when the scenario ends and at exit.`;
  return `Chart: ${file}, written ${ago(new Date(chart.writtenAt).toISOString(), now)} ago and again at exit.`;
}

function problemLines(flavor: FlavorView): string[] {
  const lines: string[] = [];
  if (flavor.stateError) lines.push(`${flavor.flavor}: state query failed: ${flavor.stateError}`);
  const stream = flavor.state?.stream;
  if (stream && !stream.connected && stream.lastError) {
    lines.push(`${flavor.flavor}: planner stream down: ${stream.lastError}`);
  }
  const cleanupError = flavor.state?.lastCleanup?.error;
  if (cleanupError) lines.push(`${flavor.flavor}: last cleanup failed: ${cleanupError}`);
  return lines;
}

function streamText({ state }: FlavorView): string {
  if (!state?.stream) return '-';
  if (state.stream.connected) return 'up';
  return state.stream.retryInSeconds === undefined ? 'down' : `down, retry in ${state.stream.retryInSeconds} s`;
}

function cleanupText({ state }: FlavorView, now: number): string {
  const report = state?.lastCleanup;
  if (!report) return 'not yet';
  const when = `${ago(report.at, now)} ago`;
  if (report.error) return `${when}: failed`;
  const kept = report.keptBusy.length > 0 ? `, kept ${report.keptBusy.length} busy` : '';
  return `${when}: removed ${report.removed.length}, created ${report.created}, deleted ${report.deleted.length}${kept}`;
}

/** "5" or "5 (2 BUILD, 1 SHUTOFF)": everything not ACTIVE is named. */
function vmText(vms: Record<string, number>): string {
  const others = Object.entries(vms)
    .filter(([status]) => status !== 'ACTIVE')
    .map(([status, n]) => `${n} ${status}`);
  return others.length > 0 ? `${total(vms)} (${others.join(', ')})` : String(total(vms));
}

function total(vms: Record<string, number>): number {
  return Object.values(vms).reduce((sum, n) => sum + n, 0);
}

function count(value: number | undefined): string {
  return value === undefined ? '-' : String(value);
}

function ago(iso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  return seconds < 120 ? `${seconds}s` : `${Math.round(seconds / 60)}m`;
}

function shellQuote(word: string): string {
  return /^[\w./@:+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

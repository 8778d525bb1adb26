import { dashboardLines, headerLines, statusLine, type DashboardView } from '../../worker/embedded/dashboard';
import type { FlavorState } from '../../contracts/state';

const now = Date.parse('2026-01-01T12:00:30Z');

const state: FlavorState = {
  flavor: 'small',
  mode: 'planner',
  lastPressure: 3,
  desired: 3,
  currentRunners: 2,
  creationPaused: false,
  fallbackRunners: 2,
  minRunners: 1,
  maxRunners: 20,
  stream: { connected: true, reconnects: 0 },
  lastCleanup: {
    at: '2026-01-01T12:00:20Z',
    removed: [{ name: 'small-0', reason: 'boot_timeout', detail: 'not online 1200 s after boot' }],
    created: 1,
    deleted: [],
    keptBusy: ['small-2'],
    runners: 2,
  },
  totals: { created: 3, createFailures: 0, removedByCleanup: 1, deleted: 0, pressureUpdates: 2, cleanupTicks: 2 },
  runs: 1,
};

const view: DashboardView = {
  now,
  scenario: { elapsedSeconds: 42.7, durationSeconds: 90, done: false, speed: 1 },
  chart: { file: '/tmp/x/scenario.svg' },
  flavors: [
    { flavor: 'small', pressure: 3, state, vms: { ACTIVE: 2, BUILD: 1 }, busy: 1 },
    {
      flavor: 'large',
      pressure: 0,
      vms: {},
      busy: 0,
      stateError: 'deadline exceeded',
    },
  ],
};

describe('embedded dashboard text', () => {
  test('one table row per flavor, problems below', () => {
    const lines = dashboardLines(view);
    expect(lines[0]).toContain('Scenario 42 s of 90 s.');
    expect(lines[2]).toMatch(/^flavor\s+pressure\s+desired\s+runners\s+VMs\s+busy\s+mode\s+stream\s+last cleanup$/);
    expect(lines[3].split(/\s{2,}/)).toEqual([
      'small',
      '3',
      '3',
      '2',
      '3 (1 BUILD)',
      '1',
      'planner',
      'up',
      '10s ago: removed 1, created 1, deleted 0, kept 1 busy',
    ]);
    expect(lines[4].split(/\s{2,}/)).toEqual(['large', '0', '-', '-', '0', '0', '?', '-', 'not yet']);
    expect(lines).toContain('large: state query failed: deadline exceeded');
  });

  test('one greppable status line when stdout is not a terminal', () => {
    expect(statusLine(view)).toBe(
      '[12:00:30 scenario 42/90s] small: pressure=3 desired=3 runners=2 vms=3 busy=1 mode=planner stream=up ' +
        'cleanup=10s | large: pressure=0 desired=- runners=- vms=0 busy=0 mode=? stream=- cleanup=never',
    );
  });

  test('the commands to try name the CLI, and the address only when it is not the default', () => {
    const info = { address: '127.0.0.1:7233', uiUrl: 'http://localhost:8233', flavors: [] };
    const local = headerLines({ ...info, cliPath: '/opt/my tools/temporal', defaultAddress: true });
    expect(local).toContain(`  '/opt/my tools/temporal' workflow query --workflow-id flavor-small --name state`);
    const other = headerLines({ ...info, address: '127.0.0.1:7300', defaultAddress: false });
    expect(other).toContain(
      '  temporal workflow update execute --workflow-id flavor-small --name setFallbackRunners --input 4 --address 127.0.0.1:7300',
    );
  });

  test('the simulated cloud is named with its clouds.yaml and an openstack CLI command', () => {
    const lines = headerLines({
      address: '127.0.0.1:7233',
      uiUrl: 'http://localhost:8233',
      flavors: [],
      defaultAddress: true,
      openstack: { authUrl: 'http://127.0.0.1:8774/identity', cloudsFile: '/tmp/a dir/clouds.yaml', cloud: 'demo' },
    });
    expect(lines).toContain('OpenStack http://127.0.0.1:8774/identity (clouds.yaml: /tmp/a dir/clouds.yaml)');
    expect(lines).toContain("  OS_CLIENT_CONFIG_FILE='/tmp/a dir/clouds.yaml' openstack --os-cloud demo server list");
  });
});

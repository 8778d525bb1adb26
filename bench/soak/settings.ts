/**
 * The soak's flavors and the time budget of its checks. Every interval is short so that many
 * interleavings fit in minutes: a cleanup tick every 5 s, a 20 s boot timeout, idle confirmation at
 * 20 s (a tenth of a real 120 s window would be shorter than the lags drawn; see schedule.ts).
 */
import type { FlavorSettingsInput } from '../../contracts/settings';

export const SOAK_FLAVORS = ['soak-a', 'soak-b', 'soak-c'];
export const WORKERS = 2;
export const MAX_PRESSURE = 6;

export const SOAK_SETTINGS = {
  image: 'ubuntu-24.04',
  openstackFlavor: 'm1.small',
  network: 'runners-net',
  minRunners: 0,
  maxRunners: MAX_PRESSURE,
  fallbackRunners: 1,
  fallbackGraceSeconds: 20,
  cleanupIntervalSeconds: 5,
  bootTimeoutSeconds: 20,
  idleConfirmSeconds: 20,
  minRunnerAgeSeconds: 10,
  streamBackoffInitialSeconds: 1,
  streamBackoffMaxSeconds: 5,
  streamStallTimeoutSeconds: 15,
} satisfies Omit<FlavorSettingsInput, 'flavor'>;

/** A flavor's settings: its runners carry its own label, which its jobs ask for. */
export function flavorSettings(flavor: string, overrides: Partial<FlavorSettingsInput> = {}): FlavorSettingsInput {
  return { flavor, ...SOAK_SETTINGS, labels: [flavor], ...overrides };
}

/** The planner writes keep-alives every 3 s, shared round robin: each of three streams hears one every 9 s. */
export const PLANNER_RESEND_MS = 3_000;
/** VMs boot in half a second unless a slow-boot fault says otherwise. */
export const BOOT_DELAY_MS = 500;

/** How far the simulators' clocks may run ahead of the workflow's records of the same list or tick. */
export const SLACK_MS = 3_000;

const tickMs = SOAK_SETTINGS.cleanupIntervalSeconds * 1000;

/** An orphan (VM or registration alone) may live this long: the boot timeout and one tick, and a tick's own time. */
export const ORPHAN_BOUND_MS = SOAK_SETTINGS.bootTimeoutSeconds * 1000 + tickMs + SLACK_MS;

/**
 * After the last fault: two ticks, the idle-confirmation window, the stream's longest reconnect wait and
 * a boot, then desired must stand.
 */
export const CONVERGENCE_BUDGET_MS =
  2 * tickMs +
  SOAK_SETTINGS.idleConfirmSeconds * 1000 +
  SOAK_SETTINGS.streamBackoffMaxSeconds * 1000 +
  BOOT_DELAY_MS +
  SLACK_MS;

/** What is left to wait after a fault window closes before a tick gets through. */
export const TICK_MS = tickMs;

/**
 * What must hold however the faults fall, judged from the simulators' own records (what OpenStack holds,
 * what GitHub holds, which jobs died), never from the workflow's state. Pure functions (table tests in
 * test/soak/invariants.test.ts); the observer (observer.ts) feeds them a snapshot every sample.
 */
import type { KilledJob } from '../../simulators/github';

/** One VM of a soak flavor as Nova holds it. */
export interface VmRecord {
  name: string;
  flavor: string;
  status: string;
  /** Date.now() of its creation. */
  createdMs: number;
}

/** One registration of a soak flavor as GitHub holds it; `busy` is the truth, not the lagging flag. */
export interface RegistrationRecord {
  name: string;
  flavor: string;
  status: 'online' | 'offline';
  busy: boolean;
}

export interface Observation {
  at: number;
  vms: VmRecord[];
  registrations: RegistrationRecord[];
}

/** Names held by more than one VM. */
export function twinVms(vms: VmRecord[]): string[] {
  const seen = new Set<string>();
  const twins = new Set<string>();
  for (const { name } of vms) (seen.has(name) ? twins : seen).add(name);
  return [...twins].sort();
}

export interface KillJudgement {
  violation: boolean;
  why: string;
}

/**
 * Whether a killed job is the product's fault. A VM deleted under a running job always is, as is a
 * registration deleted once GitHub showed it busy. A DELETE GitHub accepted while its flag lagged is
 * the race the peers found no ordering can close (terraform-aws-github-runner#5085, PR #5228): a job
 * landing on a long-idle runner moments before its delete. What idle confirmation does promise is this:
 * a runner is removed only after two idle sightings `idleConfirmSeconds` apart, the first with the runner
 * already online, the second within the lag of the job's start. So a job that began less than
 * idleConfirmSeconds − lag after its runner came online can never be killed that way (`slackMs` allows
 * for the time between GitHub's answer and the workflow recording the list).
 */
export function judgeKill(kill: KilledJob, idleConfirmSeconds: number, slackMs: number): KillJudgement {
  if (kill.cause === 'machine-lost') return { violation: true, why: 'its VM was deleted while it ran' };
  if (kill.killedAt - kill.startedAt >= kill.lagMs) {
    return { violation: true, why: 'its registration was deleted while GitHub showed it busy' };
  }
  if (kill.onlineAt === undefined) return { violation: true, why: 'its runner was never seen online' };
  const afterOnline = kill.startedAt - kill.onlineAt;
  const protectedMs = idleConfirmSeconds * 1000 - kill.lagMs - slackMs;
  if (afterOnline < protectedMs) {
    return {
      violation: true,
      why: `it began ${seconds(afterOnline)} s after its runner came online and the flag lagged ${seconds(kill.lagMs)} s: idle confirmation (${idleConfirmSeconds} s) had to keep it`,
    };
  }
  return {
    violation: false,
    why: `the lag race: it landed on a runner idle for ${seconds(afterOnline)} s, ${seconds(kill.killedAt - kill.startedAt)} s before its delete, while the flag lagged`,
  };
}

/** A VM without a registration, or a registration without a VM: when it was first seen so. */
export type Orphans = Map<string, { kind: 'vm without registration' | 'registration without VM'; since: number }>;

/** The orphans of this observation, each keeping the time it was first seen an orphan. */
export function trackOrphans(previous: Orphans, observation: Observation): Orphans {
  const vmNames = new Set(observation.vms.map((vm) => vm.name));
  const registered = new Set(observation.registrations.map((registration) => registration.name));
  const next: Orphans = new Map();
  const keep = (name: string, kind: 'vm without registration' | 'registration without VM') => {
    const key = `${kind}: ${name}`;
    next.set(key, { kind, since: previous.get(key)?.since ?? observation.at });
  };
  for (const name of vmNames) if (!registered.has(name)) keep(name, 'vm without registration');
  for (const name of registered) if (!vmNames.has(name)) keep(name, 'registration without VM');
  return next;
}

/**
 * Orphans older than the bound (boot timeout plus one tick), their age counted from when they appeared
 * or from when the last fault that stops a cleanup tick (an outage of OpenStack, GitHub, Temporal or the
 * workers) was over, whichever is later: a tick that cannot list cannot remove them.
 */
export function overdueOrphans(orphans: Orphans, now: number, boundMs: number, clearSince: number): string[] {
  return [...orphans]
    .filter(([, { since }]) => now - Math.max(since, clearSince) > boundMs)
    .map(([key, { since }]) => `${key} for ${seconds(now - since)} s`);
}

/** A fault as it happened: from when to when (undefined while it lasts), and how long a tick takes to get past it. */
export interface FaultWindow {
  kind: string;
  from: number;
  to?: number;
  /** After `to`, what is left to wait: a Retry-After, a request held past its timeout, a workflow task timeout. */
  recoveryMs: number;
}

/** From when no fault that stops cleanup ticks has been in force: Infinity while one is. */
export function clearSince(windows: FaultWindow[], now: number): number {
  let since = 0;
  for (const window of windows) {
    if (window.from > now) continue;
    if (window.to === undefined) return Infinity;
    since = Math.max(since, window.to + window.recoveryMs);
  }
  return since;
}

/** What a stopped flavor left behind: nothing, or the names of its VMs and registrations. */
export function leftAfterStop(observation: Observation, flavor: string): string[] {
  return [
    ...observation.vms.filter((vm) => vm.flavor === flavor).map((vm) => `VM ${vm.name}`),
    ...observation.registrations.filter((r) => r.flavor === flavor).map((r) => `registration ${r.name}`),
  ];
}

/**
 * Whether a flavor stands at `target` runners, all of them well: as many VMs as registrations as the
 * target, every registration online and idle (the soak's jobs have ended by then), no VM off or broken.
 */
export function convergedTo(observation: Observation, flavor: string, target: number): boolean {
  const vms = observation.vms.filter((vm) => vm.flavor === flavor);
  const registrations = observation.registrations.filter((r) => r.flavor === flavor);
  return (
    vms.length === target &&
    registrations.length === target &&
    vms.every((vm) => vm.status === 'ACTIVE') &&
    registrations.every((r) => r.status === 'online' && !r.busy)
  );
}

export interface LabelledSecret {
  label: string;
  value: string;
}

/** The labels (never the values) of the secrets this text holds. */
export function secretsIn(text: string, secrets: LabelledSecret[]): string[] {
  return secrets.filter((secret) => text.includes(secret.value)).map((secret) => secret.label);
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

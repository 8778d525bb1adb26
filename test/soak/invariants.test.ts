import {
  clearSince,
  convergedTo,
  judgeKill,
  leftAfterStop,
  overdueOrphans,
  secretsIn,
  trackOrphans,
  twinVms,
  type Observation,
  type Orphans,
  type RegistrationRecord,
  type VmRecord,
} from '../../bench/soak/invariants';
import type { KilledJob } from '../../simulators/github';

const vm = (name: string, status = 'ACTIVE', flavor = 'a'): VmRecord => ({ name, flavor, status, createdMs: 0 });
const registration = (name: string, overrides: Partial<RegistrationRecord> = {}): RegistrationRecord => ({
  name,
  flavor: 'a',
  status: 'online',
  busy: false,
  ...overrides,
});
const observation = (at: number, vms: VmRecord[], registrations: RegistrationRecord[]): Observation => ({
  at,
  vms,
  registrations,
});

describe('never two VMs with one name', () => {
  test.each([
    [[], []],
    [[vm('a-1'), vm('a-2')], []],
    [[vm('a-1'), vm('a-2'), vm('a-1', 'BUILD')], ['a-1']],
    [
      [vm('a-3'), vm('a-3'), vm('a-3'), vm('a-2'), vm('a-2')],
      ['a-2', 'a-3'],
    ],
  ])('%j → %j', (vms, twins) => expect(twinVms(vms)).toEqual(twins));
});

describe('never a busy runner deleted, never a VM deleted under a running job', () => {
  const kill = (overrides: Partial<KilledJob>): KilledJob => ({
    runnerName: 'a-1',
    onlineAt: 0,
    startedAt: 60_000,
    lagMs: 8_000,
    killedAt: 62_000,
    cause: 'registration-deleted',
    ...overrides,
  });
  test.each<[string, Partial<KilledJob>, boolean, RegExp]>([
    ['a VM deleted under its job', { cause: 'machine-lost' }, true, /VM was deleted/],
    ['a registration deleted once the flag showed busy', { killedAt: 69_000 }, true, /showed it busy/],
    ['a job that began just after its runner came online', { onlineAt: 55_000 }, true, /had to keep it/],
    ['at once after boot, the commonest case', { onlineAt: 60_000 }, true, /had to keep it/],
    ['a runner never seen online', { onlineAt: undefined }, true, /never seen online/],
    ['a job landing on a long-idle runner within the lag', {}, false, /the lag race/],
    ['just past the protected window (20 − 8 − 3 = 9 s)', { onlineAt: 51_000 }, false, /the lag race/],
  ])('%s', (_what, overrides, violation, why) => {
    const judgement = judgeKill(kill(overrides), 20, 3_000);
    expect(judgement.violation).toBe(violation);
    expect(judgement.why).toMatch(why);
  });
});

describe('no VM without registration, no registration without VM, for longer than the bound', () => {
  test('orphans keep the time they were first seen, and stop being orphans when paired or gone', () => {
    let orphans: Orphans = new Map();
    orphans = trackOrphans(
      orphans,
      observation(1_000, [vm('a-1'), vm('a-2')], [registration('a-2'), registration('a-3')]),
    );
    expect([...orphans]).toEqual([
      ['vm without registration: a-1', { kind: 'vm without registration', since: 1_000 }],
      ['registration without VM: a-3', { kind: 'registration without VM', since: 1_000 }],
    ]);
    orphans = trackOrphans(orphans, observation(5_000, [vm('a-1'), vm('a-3')], [registration('a-3')]));
    expect([...orphans]).toEqual([['vm without registration: a-1', { kind: 'vm without registration', since: 1_000 }]]);
  });

  test.each<[string, number, number, string[]]>([
    ['young enough', 20_000, 0, []],
    ['past the bound', 27_000, 0, ['vm without registration: a-1 for 26 s']],
    ['past the bound but a fault stopped the ticks until lately', 27_000, 10_000, []],
    ['past the bound counted from the end of the fault', 40_000, 10_000, ['vm without registration: a-1 for 39 s']],
  ])('%s', (_what, now, clear, overdue) => {
    const orphans = trackOrphans(new Map(), observation(1_000, [vm('a-1')], []));
    expect(overdueOrphans(orphans, now, 25_000, clear)).toEqual(overdue);
  });

  test.each<[string, { kind: string; from: number; to?: number; recoveryMs: number }[], number, number]>([
    ['no fault yet', [], 5_000, 0],
    ['a fault in force', [{ kind: 'github-5xx', from: 1_000, recoveryMs: 0 }], 5_000, Infinity],
    [
      'a fault over, with its Retry-After',
      [{ kind: 'github-primary-rate-limit', from: 1_000, to: 4_000, recoveryMs: 10_000 }],
      20_000,
      14_000,
    ],
    [
      'a fault still to come counts for nothing',
      [{ kind: 'openstack-5xx', from: 9_000, to: 12_000, recoveryMs: 0 }],
      5_000,
      0,
    ],
    [
      'the latest end of several',
      [
        { kind: 'openstack-5xx', from: 1_000, to: 3_000, recoveryMs: 0 },
        { kind: 'worker-sigkill', from: 2_000, to: 8_000, recoveryMs: 10_000 },
      ],
      30_000,
      18_000,
    ],
  ])('clear of cleanup-stopping faults: %s', (_what, windows, now, since) => {
    expect(clearSince(windows, now)).toBe(since);
  });
});

describe('after a stop, no VM and no registration of the flavor', () => {
  test.each<[string, VmRecord[], RegistrationRecord[], string[]]>([
    ['nothing left', [vm('b-1', 'ACTIVE', 'b')], [registration('b-1', { flavor: 'b' })], []],
    ['a VM left', [vm('a-4', 'SHUTOFF')], [], ['VM a-4']],
    ['a registration left', [], [registration('a-2', { status: 'offline' })], ['registration a-2']],
  ])('%s', (_what, vms, registrations, left) => {
    expect(leftAfterStop(observation(0, vms, registrations), 'a')).toEqual(left);
  });
});

describe('desired reached', () => {
  const paired = (n: number) => ({
    vms: Array.from({ length: n }, (_, i) => vm(`a-${i}`)),
    registrations: Array.from({ length: n }, (_, i) => registration(`a-${i}`)),
  });
  test.each<[string, VmRecord[], RegistrationRecord[], number, boolean]>([
    ['three well runners of three', paired(3).vms, paired(3).registrations, 3, true],
    ['none of none', [], [], 0, true],
    ['two of three', paired(2).vms, paired(2).registrations, 3, false],
    [
      'a VM still booting',
      [...paired(1).vms, vm('a-9', 'BUILD')],
      [...paired(1).registrations, registration('a-9', { status: 'offline' })],
      2,
      false,
    ],
    ['a runner still busy', paired(1).vms, [registration('a-0', { busy: true })], 1, false],
    ['a VM without its registration', paired(2).vms, paired(1).registrations, 2, false],
  ])('%s', (_what, vms, registrations, target, converged) => {
    expect(convergedTo(observation(0, vms, registrations), 'a', target)).toBe(converged);
  });
});

describe('no secret in any history or log line', () => {
  const secrets = [
    { label: 'GitHub token', value: 'ghp_secretvalue' },
    { label: 'OpenStack password', value: 'hunter2-long' },
  ];
  test.each([
    ['{"msg":"created runner","runner":"a-1"}', []],
    ['{"msg":"oops","auth":"token ghp_secretvalue"}', ['GitHub token']],
    ['ghp_secretvalue hunter2-long', ['GitHub token', 'OpenStack password']],
    ['{"auth":"[redacted]"}', []],
  ])('%s → %j', (line, found) => expect(secretsIn(line, secrets)).toEqual(found));
});

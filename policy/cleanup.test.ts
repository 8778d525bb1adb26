import {
  joinFleet,
  LIST_CLOCK_MARGIN_MS,
  listClockMarginMs,
  planCleanup,
  runnerState,
  type RegisteredRunner,
  type VmServer,
} from './cleanup';

const now = Date.parse('2026-06-01T12:00:00Z');
const minutesAgo = (minutes: number) => new Date(now - minutes * 60_000).toISOString();
const vm = (name: string, status: string, ageMinutes: number): VmServer => ({
  id: `vm-${name}`,
  name,
  status,
  created: minutesAgo(ageMinutes),
});
const registration = (name: string, status: 'online' | 'offline', busy = false): RegisteredRunner => ({
  id: name.length * 1000 + name.charCodeAt(name.length - 1),
  name,
  status,
  busy,
});

describe('runnerState', () => {
  test.each([
    ['busy wins over everything', vm('a', 'ERROR', 99), registration('a', 'online', true), true, 'busy'],
    ['online and not busy', vm('a', 'ACTIVE', 1), registration('a', 'online'), false, 'idle'],
    ['VM in ERROR', vm('a', 'ERROR', 1), registration('a', 'offline'), false, 'error'],
    ['offline within the boot window', vm('a', 'BUILD', 1), registration('a', 'offline'), false, 'booting'],
    ['offline past the boot window', vm('a', 'ACTIVE', 30), registration('a', 'offline'), true, 'offline'],
  ])('%s', (_name, server, reg, deadlinePassed, state) => {
    expect(runnerState({ name: 'a', vm: server, registration: reg }, deadlinePassed)).toBe(state);
  });
});

describe('planCleanup', () => {
  const bootTimeoutSeconds = 20 * 60;
  test.each([
    ['idle runner stays', [vm('r-1', 'ACTIVE', 5)], [registration('r-1', 'online')], [], ['r-1:idle']],
    ['booting runner stays', [vm('r-1', 'BUILD', 1)], [registration('r-1', 'offline')], [], ['r-1:booting']],
    [
      'busy runner stays even in ERROR',
      [vm('r-1', 'ERROR', 90)],
      [registration('r-1', 'online', true)],
      [],
      ['r-1:busy'],
    ],
    ['registration without VM', [], [registration('r-1', 'offline')], ['r-1:registration without VM'], []],
    ['finished runner: VM without registration', [vm('r-1', 'SHUTOFF', 40)], [], ['r-1:VM without registration'], []],
    ['VM in ERROR', [vm('r-1', 'ERROR', 1)], [registration('r-1', 'offline')], ['r-1:VM in ERROR'], []],
    [
      'offline after the boot timeout',
      [vm('r-1', 'ACTIVE', 21)],
      [registration('r-1', 'offline')],
      ['r-1:not online 1200 s after boot'],
      [],
    ],
  ])('%s', (_name, vms, registrations, removed, survivors) => {
    const plan = planCleanup(joinFleet(vms, registrations), now, bootTimeoutSeconds);
    expect(plan.remove.map(({ runner, detail }) => `${runner.name}:${detail}`)).toEqual(removed);
    expect(plan.survivors.map(({ name, state }) => `${name}:${state}`)).toEqual(survivors);
  });

  test('a younger twin VM of one name is removed as a duplicate, the runner itself stays', () => {
    const twins = [vm('r-1', 'ACTIVE', 2), { ...vm('r-1', 'ACTIVE', 5), id: 'vm-r-1-older' }];
    const plan = planCleanup(joinFleet(twins, [registration('r-1', 'online')]), now, 1200);
    expect(plan.remove.map(({ runner, detail }) => `${runner.vm?.id}:${detail}`)).toEqual(['vm-r-1:duplicate VM']);
    expect(plan.survivors.map(({ vmId, state }) => `${vmId}:${state}`)).toEqual(['vm-r-1-older:idle']);
  });

  test('twins made within one second are told apart by the newest-first order of the list', () => {
    const twins = [{ ...vm('r-1', 'ACTIVE', 2), id: 'vm-r-1-younger' }, vm('r-1', 'ACTIVE', 2)];
    const plan = planCleanup(joinFleet(twins, [registration('r-1', 'online')]), now, 1200);
    expect(plan.remove.map(({ runner, detail }) => `${runner.vm?.id}:${detail}`)).toEqual([
      'vm-r-1-younger:duplicate VM',
    ]);
    expect(plan.survivors.map(({ vmId, state }) => `${vmId}:${state}`)).toEqual(['vm-r-1:idle']);
  });

  test('twins whose runner is busy are both left alone until the job is done', () => {
    const twins = [vm('r-1', 'ACTIVE', 2), { ...vm('r-1', 'ACTIVE', 5), id: 'vm-r-1-older' }];
    const plan = planCleanup(joinFleet(twins, [registration('r-1', 'online', true)]), now, 1200);
    expect(plan.remove).toEqual([]);
    expect(plan.survivors.map(({ vmId, state }) => `${vmId}:${state}`)).toEqual(['vm-r-1-older:busy']);
  });

  test('survivors carry the ids the soft delete needs', () => {
    const plan = planCleanup(joinFleet([vm('r-2', 'ACTIVE', 3)], [registration('r-2', 'online')]), now, 60);
    expect(plan.survivors).toEqual([
      {
        name: 'r-2',
        state: 'idle',
        vmId: 'vm-r-2',
        vmStatus: 'ACTIVE',
        githubRunnerId: 3050,
        createdAt: minutesAgo(3),
      },
    ]);
  });
});

describe('a runner list older than the VMs it is joined with', () => {
  // The list began 10 minutes ago; the boot timeout is 20 minutes.
  const listedAt = now - 10 * 60_000;
  const judge = (vms: VmServer[], registrations: RegisteredRunner[]) => {
    const plan = planCleanup(joinFleet(vms, registrations, listedAt), listedAt, 20 * 60);
    return {
      removed: plan.remove.map(({ runner, detail }) => `${runner.vm?.id ?? runner.name}:${detail}`),
      survivors: plan.survivors.map(({ vmId, name, state }) => `${vmId ?? name}:${state}`),
    };
  };

  test.each([
    ['a VM made after the list began, not in it: kept, booting', [vm('r-1', 'ACTIVE', 2)], [], [], ['vm-r-1:booting']],
    ['even in ERROR: kept, not judged by the list', [vm('r-1', 'ERROR', 2)], [], [], ['vm-r-1:error']],
    [
      'made within the clock margin before the list: not judged either',
      [vm('r-1', 'ACTIVE', 10 + LIST_CLOCK_MARGIN_MS / 60_000 - 0.5)],
      [],
      [],
      ['vm-r-1:booting'],
    ],
    [
      'powered off, however new: nothing runs on it, judged by the list (its removal asks GitHub by name first)',
      [vm('r-1', 'SHUTOFF', 2)],
      [],
      ['vm-r-1:VM without registration'],
      [],
    ],
    [
      'made well before the list began and missing from it: finished, removed',
      [vm('r-1', 'SHUTOFF', 10 + LIST_CLOCK_MARGIN_MS / 60_000 + 1)],
      [],
      ['vm-r-1:VM without registration'],
      [],
    ],
    [
      'in the list: judged as usual',
      [vm('r-1', 'ACTIVE', 2), vm('r-2', 'ERROR', 2)],
      [registration('r-1', 'online'), registration('r-2', 'offline')],
      ['vm-r-2:VM in ERROR'],
      ['vm-r-1:idle'],
    ],
    [
      'stuck means offline past the boot timeout when the list was taken, not now',
      [vm('r-1', 'ACTIVE', 25), vm('r-2', 'ACTIVE', 35)],
      [registration('r-1', 'offline'), registration('r-2', 'offline')],
      ['vm-r-2:not online 1200 s after boot'],
      ['vm-r-1:booting'],
    ],
    [
      'a twin newer than the list is left, whether its runner is busy cannot be told',
      [vm('r-1', 'ACTIVE', 1), { ...vm('r-1', 'ACTIVE', 30), id: 'vm-r-1-older' }],
      [],
      ['vm-r-1-older:VM without registration'],
      [],
    ],
    [
      'a VM without a created time is judged, as before lists were shared',
      [{ ...vm('r-1', 'SHUTOFF', 0), created: '' }],
      [],
      ['vm-r-1:VM without registration'],
      [],
    ],
  ])('%s', (_name, vms, registrations, removed, survivors) => {
    expect(judge(vms, registrations)).toEqual({ removed, survivors });
  });

  test('without the time of the list, every VM is judged (a list begun after the call)', () => {
    const plan = planCleanup(joinFleet([vm('r-1', 'ACTIVE', 2)], []), now, 20 * 60);
    expect(plan.remove.map(({ runner, detail }) => `${runner.name}:${detail}`)).toEqual([
      'r-1:VM without registration',
    ]);
  });
});

test('each removal carries its code beside the words: metrics and the state use the code', () => {
  const vms = [vm('r-1', 'SHUTOFF', 40), vm('r-2', 'ERROR', 1), vm('r-3', 'ACTIVE', 21), vm('r-5', 'ACTIVE', 2)];
  const registrations = [
    registration('r-2', 'offline'),
    registration('r-3', 'offline'),
    registration('r-4', 'offline'),
    registration('r-5', 'online'),
  ];
  const twins = [...vms, { ...vm('r-5', 'ACTIVE', 1), id: 'vm-r-5-younger' }];
  const plan = planCleanup(joinFleet(twins, registrations), now, 1200);
  expect(plan.remove.map(({ runner, reason }) => `${runner.name}:${reason}`).sort()).toEqual([
    'r-1:vm_without_registration',
    'r-2:vm_error',
    'r-3:boot_timeout',
    'r-4:registration_without_vm',
    'r-5:duplicate_vm',
  ]);
});

describe('the clock margin of a list older than the VMs', () => {
  test.each([
    [20, 20_000],
    [180, LIST_CLOCK_MARGIN_MS],
    [600, LIST_CLOCK_MARGIN_MS],
  ])('a %i s boot timeout: %i ms, never past it', (bootTimeoutSeconds, margin) => {
    expect(listClockMarginMs(bootTimeoutSeconds)).toBe(margin);
  });

  test('a running VM older than the margin before the list, missing from it, is judged: removed', () => {
    const listedAt = now;
    const joined = joinFleet([vm('r-1', 'ACTIVE', 0.5)], [], listedAt, listClockMarginMs(20));
    const plan = planCleanup(joined, listedAt, 20);
    expect(plan.remove.map(({ reason }) => reason)).toEqual(['vm_without_registration']);
  });
});

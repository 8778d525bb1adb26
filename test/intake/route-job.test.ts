import { routeJob } from '../../worker/intake/route-job';
import { resolveSettings } from '../../contracts/settings';

/** Which flavor a job's labels go to: the first reactive one whose runners would carry them all. */
const flavors = [
  resolveSettings({ flavor: 'planned-gpu', mode: 'planner', labels: ['gpu'] }),
  resolveSettings({ flavor: 'small', mode: 'reactive', labels: ['small'] }),
  resolveSettings({ flavor: 'arm-gpu', mode: 'reactive', labels: ['small', 'GPU'], architecture: 'arm64' }),
  resolveSettings({ flavor: 'large', mode: 'reactive', labels: ['Large'] }),
  resolveSettings({ flavor: 'static-xl', mode: 'static', labels: ['xl'] }),
];

test.each([
  [['self-hosted', 'small'], 'small'],
  [['self-hosted', 'linux', 'x64', 'small'], 'small'],
  [['SELF-HOSTED', 'Linux', 'X64', 'Small'], 'small'],
  [['small'], 'small'],
  [['self-hosted'], 'small'],
  [['small', 'gpu'], 'arm-gpu'],
  [['gpu'], 'arm-gpu'],
  [['self-hosted', 'ARM64', 'small'], 'arm-gpu'],
  [['self-hosted', 'large'], 'large'],
  [['x64', 'gpu'], undefined],
  [['large', 'small'], undefined],
  [['self-hosted', 'xl'], undefined],
  [['self-hosted', 'windows'], undefined],
  [['ubuntu-latest'], undefined],
  [[], undefined],
])('%j goes to %s', (labels, expected) => {
  expect(routeJob(labels, flavors)?.flavor).toBe(expected);
});

test('no reactive flavor: nothing is routed', () => {
  expect(routeJob(['gpu'], flavors.slice(0, 1))).toBeUndefined();
  expect(routeJob(['small'], [])).toBeUndefined();
});

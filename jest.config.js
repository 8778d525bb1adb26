/**
 * Three projects, by what a test needs (`npx jest --selectProjects <name>` runs one):
 * - unit: pure code, no socket, no process: seconds alone (`npm run test:unit`);
 * - loopback: the simulators over loopback HTTP, child processes, bundling; no Temporal server;
 * - temporal: everything else, against one Temporal dev server for the run with the workflow code bundled
 *   once (test/setup/global-setup.ts), started only when a test of this project runs.
 * A new test file lands in `temporal` unless it is listed below.
 */
/**
 * The octokit packages, and the dependencies of theirs that ship ES modules only. Node (≥ 20.19, 22.12)
 * loads them from CommonJS itself (require(esm)), and the worker does so. Jest 30 has a module loader of
 * its own, which does require(esm) only on Node ≥ 24.9 run with --experimental-vm-modules, and otherwise
 * stops with "Must use import to load ES Module". Under jest they are compiled to CommonJS by @swc/jest
 * instead, jest's documented fallback, on every Node version alike; the tests that start the worker as
 * its own process (test/worker, test/embedded, test/chaos) load them as the worker does.
 */
const esmOnly = [
  '@octokit',
  'before-after-hook',
  'universal-user-agent',
  'universal-github-app-jwt',
  'json-with-bigint',
  'content-type',
];

const unit = [
  'policy/',
  'test/contracts/',
  'test/deploy/dashboard.test.ts',
  'test/setup/shorter-retries.test.ts',
  'test/soak/',
  'test/bench/',
  'test/activities/failure-mapping.test.ts',
  'test/client/connection.test.ts',
  'test/client/status-row.test.ts',
  'test/embedded/chart-svg.test.ts',
  'test/embedded/dashboard.test.ts',
  'test/fleet/user-data.test.ts',
  'test/intake/job-wait.test.ts',
  'test/intake/route-job.test.ts',
  'test/openstack/credentials.test.ts',
  'test/openstack/http-errors.test.ts',
  'test/planner/ndjson.test.ts',
  'test/planner/pressure-line.test.ts',
  'test/planner/reconnect-policy.test.ts',
  'test/worker/config.test.ts',
  'test/worker/logging.test.ts',
  'test/worker/secret-source.test.ts',
  'test/worker/temporal-config.test.ts',
  'test/workflows/reconciler-state.test.ts',
];

const loopback = [
  'test/github/',
  'test/openstack/',
  'test/planner/',
  'test/fleet/',
  'test/activities/pressure-stream.test.ts',
  'test/deploy/alert-rules.test.ts',
  'test/embedded/main.test.ts',
  'test/histories/replay.test.ts',
  'test/lint/',
  'test/support/log-capture.test.ts',
];

/** The test files these paths name (a folder ends with /, and stands for every test under it), as one regex. */
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const testsIn = (paths) =>
  `^${escape(__dirname)}/(${paths.map((p) => (p.endsWith('/') ? `${escape(p)}.*\\.test\\.ts` : escape(p))).join('|')})$`;

const common = {
  // Logs are kept per test and printed only for a failed one (test/setup/log-environment.ts).
  testEnvironment: '<rootDir>/test/setup/log-environment.ts',
  transform: {
    '^.+\\.ts$': ['@swc/jest'],
    [`/node_modules/(${esmOnly.join('|')})/.+\\.js$`]: ['@swc/jest'],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  // Its package exports an `import` entry only, which jest's CommonJS resolution does not take.
  moduleNameMapper: {
    '^@octokit/webhooks-methods$': '<rootDir>/node_modules/@octokit/webhooks-methods/dist-node/index.js',
  },
};

module.exports = {
  testTimeout: 60_000,
  projects: [
    { ...common, displayName: 'unit', testRegex: testsIn(unit) },
    {
      ...common,
      displayName: 'loopback',
      testRegex: testsIn(loopback),
      testPathIgnorePatterns: ['/node_modules/', testsIn(unit)],
    },
    {
      ...common,
      displayName: 'temporal',
      testRegex: testsIn(['test/']),
      testPathIgnorePatterns: ['/node_modules/', testsIn(unit), testsIn(loopback)],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
};

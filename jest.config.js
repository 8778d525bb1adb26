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

/**
 * One Temporal dev server for the whole run and the workflow code bundled once (test/setup).
 * JEST_NO_TEMPORAL=1 skips both, for suites that talk only to the HTTP simulators.
 */
const withTemporal = process.env.JEST_NO_TEMPORAL !== '1';

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest'],
    [`/node_modules/(${esmOnly.join('|')})/.+\\.js$`]: ['@swc/jest'],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  // Its package exports an `import` entry only, which jest's CommonJS resolution does not take.
  moduleNameMapper: {
    '^@octokit/webhooks-methods$': '<rootDir>/node_modules/@octokit/webhooks-methods/dist-node/index.js',
  },
  testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/policy/**/*.test.ts'],
  ...(withTemporal && {
    globalSetup: '<rootDir>/test/setup/global-setup.ts',
    globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  }),
  testTimeout: 60_000,
};

/**
 * One Temporal dev server for the whole run and the workflow code bundled once (test/setup).
 * JEST_NO_TEMPORAL=1 skips both, for suites that talk only to the HTTP simulators.
 */
const withTemporal = process.env.JEST_NO_TEMPORAL !== '1';

module.exports = {
  // Logs are kept per test and printed only for a failed one (test/setup/log-environment.ts).
  testEnvironment: '<rootDir>/test/setup/log-environment.ts',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/policy/**/*.test.ts'],
  ...(withTemporal && {
    globalSetup: '<rootDir>/test/setup/global-setup.ts',
    globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  }),
  testTimeout: 60_000,
};

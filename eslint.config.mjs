import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layering, enforced (test/lint/layering.test.ts plants a bad import for each rule):
 *   contracts ← policy ← workflows          (the workflow bundle: no Node module, no I/O)
 *   contracts, policy ← activities ← worker  (worker/embedded, the demo, alone reaches the simulators)
 *   contracts ← client
 *   simulators and bench stand beside the product; bench reaches the worker through worker/index.ts only.
 */

/** The contracts a workflow may load: no Temporal client, no file system, no YAML. Cron is croner's, in contracts. */
const BUNDLE_CONTRACTS =
  '(activities|definitions|flavor-metrics|flavor-workflow|runner-names|schedules|setting-fields|settings|state|zod)';

/** A restriction: any import whose path matches `regex` is an error with `message`. */
const restrict = (regex, message) => ['error', { patterns: [{ regex, message }] }];
const restrictAll = (...patterns) => ['error', { patterns: patterns.map(([regex, message]) => ({ regex, message })) }];

const outside = (folders) => `^(\\.\\./)+(${folders})(/|$)`;

export default tseslint.config(
  { ignores: ['node_modules/', '.temporal/', '.openstack/', 'dist/', 'coverage/'] },
  js.configs.recommended,
  // The typed rule set: types come from tsconfig.json through the project service, one program for all.
  ...tseslint.configs.recommendedTypeChecked,
  { languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  {
    // Tests: fakes implement async ports without awaiting anything, and tests read JSON (CLI output,
    // histories, HTTP bodies) whose shape the assertions check, so these typed rules are only noise there.
    // The promise rules stay on: a floating promise in a test is a check that never ran.
    files: ['test/**/*.ts', '**/*.test.ts'],
    rules: {
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: {
      globals: { module: 'writable', require: 'readonly', process: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['contracts/**/*.ts'],
    ignores: ['contracts/flavors-file.ts', 'contracts/start-flavor.ts', 'contracts/temporal-connection.ts'],
    rules: {
      'no-restricted-imports': restrict(
        `^(?!\\./${BUNDLE_CONTRACTS}$|@temporalio/workflow$|croner$)`,
        'Workflows load this contract: only other workflow-safe contracts (zod through ./zod), @temporalio/workflow and croner.',
      ),
    },
  },
  {
    // zod is configured in one place, the module the workflow sandbox preloads (worker/workflow-bundle.ts).
    files: ['contracts/zod.ts'],
    rules: {
      'no-restricted-imports': restrict(
        '^(?!zod$|zod/v4/core$|zod/v4/locales/en\\.js$)',
        'contracts/zod.ts imports zod only.',
      ),
    },
  },
  {
    files: ['contracts/flavors-file.ts', 'contracts/start-flavor.ts', 'contracts/temporal-connection.ts'],
    rules: {
      'no-restricted-imports': restrict('^\\.\\./', 'Contracts import only contracts.'),
    },
  },
  {
    files: ['policy/**/*.ts'],
    ignores: ['policy/**/*.test.ts'],
    rules: {
      'no-restricted-imports': restrict(
        `^(?!\\./|\\.\\./contracts/${BUNDLE_CONTRACTS}$)`,
        'Policy is pure: it imports contracts (types and data) and itself, nothing else.',
      ),
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        `^(?!\\./|\\.\\./contracts/${BUNDLE_CONTRACTS}$|\\.\\./policy/[\\w-]+$|@temporalio/(workflow|common)$)`,
        'Workflow code is deterministic: it reaches only contracts, policy and the Temporal workflow API.',
      ),
    },
  },
  {
    files: ['activities/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        outside('workflows|worker|client|simulators|bench|test'),
        'Activities import contracts, policy and their own clients; never workflows, the worker or tools.',
      ),
    },
  },
  {
    files: ['worker/**/*.ts'],
    ignores: ['worker/embedded/**'],
    rules: {
      'no-restricted-imports': restrictAll(
        [
          outside('workflows|client|simulators|bench|test'),
          'The worker bundles workflows by path and imports no tool.',
        ],
        [
          '^(\\./|\\.\\./)+embedded(/|$)',
          'Only worker/main.ts reaches the embedded demo, with a dynamic import when no configuration is given.',
        ],
      ),
    },
  },
  {
    files: ['worker/embedded/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        outside('workflows|client|bench|test'),
        'The embedded demo runs the worker with the simulators; it imports no other tool.',
      ),
    },
  },
  {
    files: ['client/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        outside('activities|workflows|worker|policy|simulators|bench|test'),
        'The CLI talks to Temporal only: it imports contracts.',
      ),
    },
  },
  {
    files: ['simulators/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        outside('worker|workflows|client|policy|bench|test'),
        'Simulators stand for the real services: they import nothing of the worker or the workflows.',
      ),
    },
  },
  {
    files: ['bench/**/*.ts'],
    rules: {
      'no-restricted-imports': restrictAll(
        ['^(\\.\\./)+worker/', 'Benchmarks reach the worker through its public surface, worker/index.ts.'],
        [outside('workflows|client|test'), 'Benchmarks import the product through contracts and worker/index.ts.'],
      ),
    },
  },
);

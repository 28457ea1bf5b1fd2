// Three projects: `unit` (pure code, milliseconds, no services), `integration`
// (real PostgreSQL and Redis, run serially by `npm test`) and `faults` (worker
// processes killed, Redis and PostgreSQL of their own stopped and wiped; quick
// scale in `npm test`, full scale with `npm run test:faults`, see docs/reliability.md).
const path = require('node:path');

const root = path.resolve(__dirname, '..');

// One id per test run, inherited by every jest worker: each run gets its own
// database and Redis key prefix, so two runs on one machine never collide.
process.env.TEST_RUN_ID ??= `${process.pid}`;
const shared = {
  rootDir: root,
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/config/tsconfig.jest.json' }] },
  moduleNameMapper: { '^@app/([^/]+)(.*)$': '<rootDir>/libs/$1/src$2' },
  testEnvironment: 'node',
};

module.exports = {
  // Integration tests talk to real services; read at the top level only.
  testTimeout: 30000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFiles: ['<rootDir>/test/support/test-env.ts'],
    },
    {
      ...shared,
      displayName: 'faults',
      testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'],
      // Builds dist/ when it is stale: the tests spawn the built worker.
      globalSetup: '<rootDir>/test/faults/support/global-setup.ts',
    },
  ],
};

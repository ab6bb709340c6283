/** @type {import('jest').Config} */
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }];
const moduleNameMapper = {
  '^@prs/nestjs-observability$': '<rootDir>/libs/observability/src/index.ts',
};

// Specs whose outcome does not depend on the Node runtime or the Nest major running Jest:
// they check files (rules with promtool and Alertmanager, dashboards, compose, Kubernetes
// manifests, the API report, the import tiers, the README's metric tables) or run npm
// scripts, which use the pinned Node 24 whatever runs Jest (the fresh checkout). CI runs
// them once, in the README's `npm test` (Node 24, Nest 11), and leaves them out of its
// other runtime rows, which set PRS_TEST_SCOPE=matrix.
const RUNTIME_INDEPENDENT = [
  '<rootDir>/test/deploy/',
  '<rootDir>/test/api-report\\.',
  '<rootDir>/test/dependency-tiers\\.',
  '<rootDir>/test/demo-fresh-checkout\\.',
  '<rootDir>/test/readme-metrics\\.',
];
const matrixRow = process.env.PRS_TEST_SCOPE === 'matrix';

module.exports = {
  // Global only: Jest ignores testTimeout inside `projects`.
  testTimeout: 120000,
  // `npm run test:coverage` (unit tests, in-process): CI fails below the floor. The e2e
  // suites run the library in child processes, which in-process coverage cannot see.
  collectCoverageFrom: [
    '<rootDir>/libs/observability/src/**/*.ts',
    '!<rootDir>/libs/observability/src/**/*.spec.ts',
  ],
  coverageReporters: ['text-summary', 'json-summary'],
  coverageThreshold: { global: { lines: 63.6 } },
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      moduleNameMapper,
      testMatch: ['<rootDir>/libs/**/*.spec.ts'],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      moduleNameMapper,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      testPathIgnorePatterns: [
        '/node_modules/',
        ...(matrixRow ? RUNTIME_INDEPENDENT : []),
      ],
    },
  ],
};

/** @type {import('jest').Config} */
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }];
const moduleNameMapper = {
  '^@prs/nestjs-observability$': '<rootDir>/libs/observability/src/index.ts',
};

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
    },
  ],
};

// Node's on-disk compile cache for the processes the suites start (baseFixtureEnv passes
// it on): the fixtures load the same modules hundreds of times. Set it to '' to turn it off.
process.env.NODE_COMPILE_CACHE ??= require('node:path').join(
  require('node:os').tmpdir(),
  'prs-test-compile-cache',
);

/** @type {import('jest').Config} */
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }];
// In-process specs load ObservabilityModule, which imports the ESM-only @nestjs/terminus 12.
const transform = {
  '^.+\\.ts$': tsJest,
  '/node_modules/@nestjs/terminus/.+\\.js$':
    '<rootDir>/test/support/esm-to-cjs.transform.js',
};
const transformIgnorePatterns = ['/node_modules/(?!@nestjs/terminus/)'];
const moduleNameMapper = {
  '^@prs/nestjs-observability$': '<rootDir>/libs/observability/src/index.ts',
  '^@prs/nestjs-observability/testing$':
    '<rootDir>/libs/observability/src/testing.ts',
};

const specs = (...names) => names.map((n) => `<rootDir>/test/${n}\\.`);

// The specs that measure the app's latency under load: they need a quiet box. CI runs
// `npm test` beside another row with PRS_TEST_SCOPE=shared, which leaves out just these, and
// runs them alone afterwards.
const LOAD = specs('metrics-scrape-load', 'health-readiness-load');

// CI runs the whole suite once, as the README's `npm test` (Node 24, Nest 11), then again on
// the other runtimes (PRS_TEST_SCOPE=runtime) and on Nest 12 (PRS_TEST_SCOPE=nest), leaving
// out there what those rows cannot change:
// - specs that check files (rules with promtool and Alertmanager, dashboards, compose,
//   Kubernetes manifests, the API report, the import tiers, the README's metric tables) or
//   run npm scripts, which use the pinned Node 24 whatever runs Jest (the fresh checkout);
// - specs that measure the app's latency under load, which belong to one quiet runtime;
const NOT_RUNTIME_DEPENDENT = [
  '<rootDir>/test/deploy/',
  ...specs(
    'api-report',
    'dependency-tiers',
    'demo-fresh-checkout',
    'readme-metrics',
  ),
  ...LOAD,
  // - the testing kit in a scratch project: an npm install and a Jest run of its own on
  //   the pinned Node (the in-process kit spec covers the other runtimes).
  ...specs('testing-kit-package'),
];
// - and on Nest 12, the specs that load Nest in Jest's own process (the testing kit's):
//   Nest 12 is ESM-only, which Jest's CommonJS runtime cannot load.
const IN_PROCESS = specs('testing-kit');
// - and on Nest 12, the specs of the SDK's own machinery under a fixture app (exporters and
//   their faults, shutdown and crash flushes, sampling, exemplars, cluster IPC, Redis
//   counting): Nest only hosts them, and they ran on every runtime with Nest 11.
const NOT_NEST_DEPENDENT = specs(
  'metrics-otlp',
  'metrics-otlp-faults',
  'trace-failures',
  'trace-receivers',
  'shutdown-flush',
  'shutdown-exporter-down',
  'crash-flush',
  'sampling-edge',
  'exemplars',
  'cluster-workers',
  'cluster-otlp',
  'pm2-cluster',
  'active-users-redis',
);
// The doctor specs (doctor, doctor-status) run in every row: they report the running app's
// Node.js and Nest versions and read the status the module serves on each adapter.
const scope = process.env.PRS_TEST_SCOPE || undefined;
const LEFT_OUT = {
  shared: LOAD,
  runtime: NOT_RUNTIME_DEPENDENT,
  nest: [...NOT_RUNTIME_DEPENDENT, ...NOT_NEST_DEPENDENT, ...IN_PROCESS],
};
if (scope !== undefined && !Object.hasOwn(LEFT_OUT, scope))
  throw new Error(
    `PRS_TEST_SCOPE must be one of ${Object.keys(LEFT_OUT).join(', ')}, not ${scope}`,
  );
const leftOut = scope === undefined ? [] : LEFT_OUT[scope];

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
  coverageThreshold: { global: { lines: 77 } },
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
      testMatch: ['<rootDir>/libs/**/*.spec.ts'],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...leftOut],
    },
  ],
};

import {
  type Instrumentation,
  type InstrumentationModuleDefinition,
  registerInstrumentations,
} from '@opentelemetry/instrumentation';
import {
  createInstrumentations,
  silenceInstrumentationMetrics,
} from '../instrumentation/instrumentations';
import { startTestingSdk, type TestingSdkOptions } from './testing-sdk';

/** Options of {@link instrumentForTests}. */
export interface InstrumentForTestsOptions extends TestingSdkOptions {
  /**
   * The `require` that loads the app's `pg` and `ioredis`: pass your setup file's own
   * when the package cannot resolve them from where it is installed.
   * @default the package's own `require`
   */
  require?: NodeJS.Require;
}

/**
 * For Jest's `setupFiles`: starts the in-memory SDK and instruments `pg` and `ioredis`
 * before the test file loads them, so queries and commands get their spans and their
 * `prs_database_queries_total` / `prs_cache_operations_total` counts. Without it a
 * test sees HTTP, handler and business-event telemetry but no pg/ioredis telemetry.
 *
 * OpenTelemetry's instrumentations patch a library through Node's module loader,
 * which Jest bypasses (it has its own `require` and module registry), so this loads
 * each library through the test's module registry and patches that copy in place: the
 * test file, which shares the registry with its setup files, gets the patched one.
 * A library that is not installed is skipped.
 *
 * @example
 * ```js
 * // jest.config.js
 * module.exports = { setupFiles: ['<rootDir>/test/observability.setup.js'] };
 * // test/observability.setup.js
 * require('@prs/nestjs-observability/testing').instrumentForTests();
 * ```
 */
export function instrumentForTests(
  options: InstrumentForTestsOptions = {},
): void {
  const sdk = startTestingSdk(options);
  const load = options.require ?? require;
  // Not http: Node's own module is already loaded, and server spans come from the module.
  const resolved = sdk.running.options;
  const instrumentations = createInstrumentations({
    ...sdk.running,
    options: {
      ...resolved,
      instrumentations: { ...resolved.instrumentations, http: false },
    },
  });
  registerInstrumentations({ instrumentations });
  silenceInstrumentationMetrics(instrumentations);
  for (const instrumentation of instrumentations)
    for (const definition of moduleDefinitions(instrumentation))
      patchInPlace(definition, load);
}

// Duck-typed: an instrumentation package may bring its own copy of InstrumentationBase.
function moduleDefinitions(
  instrumentation: Instrumentation,
): InstrumentationModuleDefinition[] {
  const base = instrumentation as Instrumentation & {
    getModuleDefinitions?: () => InstrumentationModuleDefinition[];
  };
  return base.getModuleDefinitions?.() ?? [];
}

function patchInPlace(
  definition: InstrumentationModuleDefinition,
  load: NodeJS.Require,
): void {
  let exports: unknown;
  try {
    exports = load(definition.name);
  } catch {
    return; // not installed
  }
  definition.patch?.(exports, versionOf(definition.name, load));
}

function versionOf(name: string, load: NodeJS.Require): string | undefined {
  try {
    return (load(`${name}/package.json`) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

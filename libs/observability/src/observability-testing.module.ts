import { type DynamicModule, Module } from '@nestjs/common';
import { ObservabilityModule } from './observability.module';
import type { ObservabilityModuleOptions } from './options/observability-options.interface';
import { OBSERVABILITY_OPTIONS } from './options/options.constants';
import type { ResolvedObservabilityOptions } from './options/resolved-options';
import { TestTelemetry } from './testing/test-telemetry';
import { startTestingSdk, type TestingSdkOptions } from './testing/testing-sdk';

/** What `ObservabilityTestingModule.forRoot()` takes. */
export interface ObservabilityTestingOptions extends ObservabilityModuleOptions {
  /** The in-memory SDK's own options. */
  sdk?: TestingSdkOptions;
}

/**
 * `ObservabilityModule` for `Test.createTestingModule()`, without the preload: it
 * starts an in-memory SDK for the test process (unless the Jest setup file
 * `instrumentForTests()` already did) and registers the real module on it, so a test
 * records what production records. Read it back with {@link TestTelemetry}.
 *
 * pg and ioredis telemetry needs `instrumentForTests()` in Jest's `setupFiles`.
 *
 * @example
 * ```ts
 * const moduleRef = await Test.createTestingModule({
 *   imports: [ObservabilityTestingModule.forRoot(), DealsModule],
 * }).compile();
 * const app = moduleRef.createNestApplication();
 * await app.init();
 * const telemetry = app.get(TestTelemetry);
 * ```
 */
@Module({})
export class ObservabilityTestingModule {
  /** Starts (or reuses) the in-memory SDK and registers `ObservabilityModule.forRoot(options)`. */
  static forRoot(options: ObservabilityTestingOptions = {}): DynamicModule {
    const { sdk: sdkOptions, ...moduleOptions } = options;
    const sdk = startTestingSdk(sdkOptions);
    return {
      module: ObservabilityTestingModule,
      global: true,
      imports: [ObservabilityModule.forRoot(moduleOptions)],
      providers: [
        {
          provide: TestTelemetry,
          useFactory: (resolved: ResolvedObservabilityOptions) =>
            new TestTelemetry(sdk, resolved.metrics.prefix),
          inject: [OBSERVABILITY_OPTIONS],
        },
      ],
      exports: [TestTelemetry, ObservabilityModule],
    };
  }

  /**
   * For an app module that imports `ObservabilityModule.forRoot()` itself (global, the
   * default): starts (or reuses) the in-memory SDK that module attaches to, and provides
   * {@link TestTelemetry}, without registering a second `ObservabilityModule`.
   *
   * @example
   * ```ts
   * Test.createTestingModule({ imports: [ObservabilityTestingModule.attach(), AppModule] })
   * ```
   */
  static attach(sdkOptions?: TestingSdkOptions): DynamicModule {
    const sdk = startTestingSdk(sdkOptions);
    return {
      module: ObservabilityTestingModule,
      global: true,
      providers: [
        {
          provide: TestTelemetry,
          useFactory: (resolved: ResolvedObservabilityOptions) =>
            new TestTelemetry(sdk, resolved.metrics.prefix),
          inject: [OBSERVABILITY_OPTIONS],
        },
      ],
      exports: [TestTelemetry],
    };
  }
}

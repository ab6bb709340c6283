import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { metrics } from '@opentelemetry/api';
import { ObservabilityBootstrapError } from './errors/observability-bootstrap.error';
import { messages } from './errors/messages';
import { DirectRoutes } from './http/direct-routes';
import { HttpObservabilityService } from './http/http-observability.service';
import { HttpServerHook } from './http/http-server-hook';
import { PrsMetrics } from './metrics/prs-metrics';
import {
  OBSERVABILITY_OPTIONS,
  OBSERVABILITY_SDK,
} from './observability.constants';
import {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN,
  type OPTIONS_TYPE,
} from './observability.module-definition';
import type { ObservabilityModuleOptions } from './options/observability-options.interface';
import type { ResolvedObservabilityOptions } from './options/resolved-options';
import { resolveModuleOptions } from './options/validate-options';
import { PACKAGE_NAME, PACKAGE_VERSION } from './package-info';
import { getRunningSdk, type RunningSdk } from './sdk/running-sdk';
import { TRACING_PROVIDERS } from './tracing/tracing.providers';
import { HEALTH_EXPORTS, HEALTH_PROVIDERS } from './health/health.providers';
import {
  BUSINESS_EVENTS_EXPORTS,
  BUSINESS_EVENTS_PROVIDERS,
} from './business-events/business-events.providers';
import {
  ACTIVE_USERS_EXPORTS,
  ACTIVE_USERS_PROVIDERS,
} from './active-users/active-users.providers';
import {
  LOGGING_EXPORTS,
  LOGGING_PROVIDERS,
} from './logging/logging.providers';

/**
 * Attaches a Nest app to the SDK started by the preload: HTTP metrics on Express and
 * Fastify, the `prs_*` instruments and `GET /metrics`. It never starts the SDK itself
 * (that would be too late to patch pg, ioredis and express); without one it fails at
 * bootstrap with the fix. Global by default (`isGlobal: false` to scope it).
 *
 * @example
 * ```ts
 * @Module({ imports: [ObservabilityModule.forRoot({ metrics: { prefix: 'prs' } })] })
 * export class AppModule {}
 * ```
 */
@Module({
  // Terminus (a required peer) provides HealthIndicatorService to the health indicators;
  // re-exported so apps can write their own @HealthCheck() controllers.
  imports: [TerminusModule, DiscoveryModule],
  providers: [
    {
      provide: OBSERVABILITY_OPTIONS,
      useFactory: (raw: ObservabilityModuleOptions | undefined) =>
        resolveModuleOptions(raw),
      inject: [MODULE_OPTIONS_TOKEN],
    },
    {
      provide: OBSERVABILITY_SDK,
      // Depends on the options so that invalid options are reported first.
      useFactory: (_options: ResolvedObservabilityOptions): RunningSdk => {
        const sdk = getRunningSdk();
        if (sdk === undefined)
          throw new ObservabilityBootstrapError(messages.sdkNotStarted());
        return sdk;
      },
      inject: [OBSERVABILITY_OPTIONS],
    },
    {
      provide: PrsMetrics,
      useFactory: (options: ResolvedObservabilityOptions, sdk: RunningSdk) =>
        new PrsMetrics(
          metrics.getMeter(PACKAGE_NAME, PACKAGE_VERSION),
          sdk.tallies,
          options,
        ),
      inject: [OBSERVABILITY_OPTIONS, OBSERVABILITY_SDK],
    },
    DirectRoutes,
    HttpServerHook,
    HttpObservabilityService,
    ...TRACING_PROVIDERS,
    ...HEALTH_PROVIDERS,
    ...BUSINESS_EVENTS_PROVIDERS,
    ...ACTIVE_USERS_PROVIDERS,
    ...LOGGING_PROVIDERS,
  ],
  exports: [
    PrsMetrics,
    DirectRoutes,
    OBSERVABILITY_OPTIONS,
    OBSERVABILITY_SDK,
    TerminusModule,
    ...HEALTH_EXPORTS,
    ...BUSINESS_EVENTS_EXPORTS,
    ...ACTIVE_USERS_EXPORTS,
    ...LOGGING_EXPORTS,
  ],
})
export class ObservabilityModule extends ConfigurableModuleClass {
  /**
   * Registers the module; every option is optional, so `forRoot()` alone works.
   * `isGlobal` defaults to `true`.
   */
  static override forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    // ConfigurableModuleBuilder's generated method cannot take `undefined`.
    return super.forRoot(options);
  }
}

import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import {
  ACTIVE_USERS_EXPORTS,
  ACTIVE_USERS_PROVIDERS,
} from './active-users/active-users.providers';
import {
  BUSINESS_EVENTS_EXPORTS,
  BUSINESS_EVENTS_PROVIDERS,
} from './business-events/business-events.providers';
import { messages } from './core/messages';
import { ObservabilityBootstrapError } from './core/observability-bootstrap.error';
import { HEALTH_EXPORTS, HEALTH_PROVIDERS } from './health/health.providers';
import { DirectRoutes } from './http/direct-routes';
import { HttpServerHook } from './http/http-server-hook';
import {
  REQUEST_OBSERVERS,
  type RequestObserver,
} from './http/request-observer';
import { REQUEST_SCOPE_OBSERVER } from './logging/logging.constants';
import {
  LOGGING_EXPORTS,
  LOGGING_PROVIDERS,
} from './logging/logging.providers';
import { joinPm2Group } from './cluster/peer-group';
import { HTTP_METRICS_OBSERVER } from './metrics/metrics.constants';
import { PEER_METRICS_GROUP } from './metrics/metrics-group';
import {
  METRICS_EXPORTS,
  METRICS_PROVIDERS,
} from './metrics/metrics.providers';
import {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN,
  type ObservabilityModuleSyncOptions,
} from './observability.module-definition';
import type { ObservabilityModuleOptions } from './options/observability-options.interface';
import { OPTION_SLICE_PROVIDERS } from './options/option-slices';
import { OBSERVABILITY_OPTIONS } from './options/options.constants';
import type { ResolvedObservabilityOptions } from './options/resolved-options';
import { resolveModuleOptions } from './options/validate-options';
import { SdkAttachment } from './sdk-attachment.service';
import { SLO_PROVIDERS } from './slo/slo.providers';
import { getRunningSdk, type RunningSdk } from './sdk/running-sdk';
import { OBSERVABILITY_SDK } from './sdk/sdk.constants';
import { SERVER_SPAN_OBSERVER } from './tracing/tracing.constants';
import { TRACING_PROVIDERS } from './tracing/tracing.providers';

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
    ...OPTION_SLICE_PROVIDERS,
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
      // The order matters: tracing starts the server span that logging reads, and
      // observers end in reverse order.
      provide: REQUEST_OBSERVERS,
      useFactory: (
        ...observers: (RequestObserver | null)[]
      ): RequestObserver[] =>
        observers.filter((o): o is RequestObserver => o !== null),
      inject: [
        SERVER_SPAN_OBSERVER,
        REQUEST_SCOPE_OBSERVER,
        HTTP_METRICS_OBSERVER,
      ],
    },
    DirectRoutes,
    HttpServerHook,
    SdkAttachment,
    ...TRACING_PROVIDERS,
    ...METRICS_PROVIDERS,
    // PM2 cluster-mode instances answer /metrics for each other (docs/cluster.md).
    { provide: PEER_METRICS_GROUP, useValue: joinPm2Group },
    ...HEALTH_PROVIDERS,
    ...BUSINESS_EVENTS_PROVIDERS,
    ...ACTIVE_USERS_PROVIDERS,
    ...LOGGING_PROVIDERS,
    ...SLO_PROVIDERS,
  ],
  exports: [
    DirectRoutes,
    OBSERVABILITY_OPTIONS,
    OBSERVABILITY_SDK,
    TerminusModule,
    ...METRICS_EXPORTS,
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
  static override forRoot(
    options: ObservabilityModuleSyncOptions = {},
  ): DynamicModule {
    // ConfigurableModuleBuilder's generated method cannot take `undefined`.
    return super.forRoot(options);
  }
}

import type { Server } from 'node:http';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { RateLimitedLogger } from '../diagnostics/rate-limited-logger';
import { messages } from '../errors/messages';
import { MetricsEndpoint } from '../metrics/metrics-endpoint';
import { boundPort, startMetricsServer } from '../metrics/metrics-server';
import { PrsMetrics } from '../metrics/prs-metrics';
import {
  OBSERVABILITY_OPTIONS,
  OBSERVABILITY_SDK,
} from '../observability.constants';
import type { ResolvedObservabilityOptions } from '../options/resolved-options';
import type { RunningSdk } from '../sdk/running-sdk';
import { DirectRoutes } from './direct-routes';
import { installHttpServerHook } from './http-server-hook';
import { PathMatcher } from './path-matcher';
import { createRouteResolver } from './route-template';

/**
 * Wires HTTP metrics and `/metrics` into the app's HTTP server as the module
 * initialises, before the server listens, and takes them down on shutdown.
 */
@Injectable()
export class HttpObservabilityService
  implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger('Observability');
  private readonly log = new RateLimitedLogger(this.logger);
  private uninstall: (() => void) | undefined;
  private metricsServer: Server | undefined;
  private endpoint: MetricsEndpoint | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: PrsMetrics,
    @Inject(OBSERVABILITY_OPTIONS)
    private readonly options: ResolvedObservabilityOptions,
    @Inject(OBSERVABILITY_SDK) private readonly sdk: RunningSdk,
    private readonly routes: DirectRoutes,
  ) {}

  onModuleInit(): void {
    const { metrics, http } = this.options;
    if (this.sdk.metricReader === undefined) {
      if (metrics.enabled) this.logger.warn(messages.sdkDisabled());
      return;
    }
    const tracing = this.sdk.options.traces.exporter !== 'none';
    if (!metrics.enabled && !tracing) return;
    const adapter = this.adapterHost.httpAdapter as
      typeof this.adapterHost.httpAdapter | undefined;
    const server = adapter?.getHttpServer() as Server | undefined;
    if (metrics.enabled) {
      const endpoint = (this.endpoint = new MetricsEndpoint(
        this.sdk.metricReader,
        metrics.auth,
        this.log,
      ));
      if (server !== undefined && metrics.port === undefined)
        this.routes.register(metrics.path, (req, res) =>
          endpoint.handle(req, res),
        );
    }
    if (server === undefined) return; // an application context or microservice: no HTTP
    this.uninstall = installHttpServerHook(server, {
      metrics: metrics.enabled ? this.metrics : undefined,
      tracing,
      resolveRoute: createRouteResolver(this.adapterHost),
      exclude: new PathMatcher([...http.excludePaths, metrics.path]),
      routes: this.routes,
      log: this.log,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const { metrics } = this.options;
    if (this.endpoint === undefined || metrics.port === undefined) return;
    this.metricsServer = await startMetricsServer(
      metrics.host,
      metrics.port,
      new PathMatcher([metrics.path]),
      this.endpoint,
    );
    this.logger.log(
      `Prometheus metrics at http://${metrics.host}:${boundPort(this.metricsServer)}${metrics.path}`,
    );
  }

  /** The dedicated metrics port actually bound, when one is configured. */
  get metricsPort(): number | undefined {
    return this.metricsServer ? boundPort(this.metricsServer) : undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    this.uninstall?.();
    this.uninstall = undefined;
    const server = this.metricsServer;
    this.metricsServer = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}

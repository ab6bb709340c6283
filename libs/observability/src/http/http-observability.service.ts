import type { Server } from 'node:http';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { trace } from '@opentelemetry/api';
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
import { PACKAGE_NAME, PACKAGE_VERSION } from '../package-info';
import { HttpServerHook } from './http-server-hook';
import { PathMatcher } from './path-matcher';
import { ServerSpans } from './server-spans';

/**
 * Wires HTTP metrics, `/metrics` and HTTP server spans into the app's HTTP server
 * (through {@link HttpServerHook}) as the module initialises, and serves `/metrics`
 * on its own port when one is configured.
 */
@Injectable()
export class HttpObservabilityService
  implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger('Observability');
  private readonly log = new RateLimitedLogger(this.logger);
  private metricsServer: Server | undefined;
  private endpoint: MetricsEndpoint | undefined;

  constructor(
    private readonly metrics: PrsMetrics,
    @Inject(OBSERVABILITY_OPTIONS)
    private readonly options: ResolvedObservabilityOptions,
    @Inject(OBSERVABILITY_SDK) private readonly sdk: RunningSdk,
    private readonly routes: DirectRoutes,
    private readonly hook: HttpServerHook,
  ) {}

  onModuleInit(): void {
    const { metrics, http } = this.options;
    if (this.sdk.metricReader === undefined) {
      if (metrics.enabled) this.logger.warn(messages.sdkDisabled());
      return;
    }
    const { traces, instrumentations } = this.sdk.options;
    if (traces.exporter !== 'none' && instrumentations.http)
      this.hook.traceRequests(
        new ServerSpans(trace.getTracer(PACKAGE_NAME, PACKAGE_VERSION)),
      );
    if (!metrics.enabled) return;
    const endpoint = (this.endpoint = new MetricsEndpoint(
      this.sdk.metricReader,
      metrics.auth,
      this.log,
    ));
    if (metrics.port === undefined)
      this.routes.register(metrics.path, (req, res) =>
        endpoint.handle(req, res),
      );
    this.hook.countRequests(
      this.metrics,
      new PathMatcher([...http.excludePaths, metrics.path]),
    );
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
    const server = this.metricsServer;
    this.metricsServer = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}

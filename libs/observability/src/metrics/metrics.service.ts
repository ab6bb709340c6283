import type { Server } from 'node:http';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import { messages } from '../core/messages';
import { PathMatcher } from '../core/path-matcher';
import { RateLimitedLogger } from '../core/rate-limited-logger';
import { pathOf } from '../core/path-of';
import { statusHandler, statusPath } from '../doctor/app-status';
import { DirectRoutes, type DirectRouteHandler } from '../http/direct-routes';
import type { RunningSdk } from '../sdk/running-sdk';
import { OBSERVABILITY_SDK } from '../sdk/sdk.constants';
import { ClusterWorkerLink } from './cluster-worker';
import { ActiveUsersMetrics } from './instruments/active-users-metrics';
import { authChallenge, createAuthorizationCheck } from './metrics-auth';
import { MetricsEndpoint } from './metrics-endpoint';
import {
  type JoinPeerGroup,
  type MetricsGroupLink,
  PEER_METRICS_GROUP,
} from './metrics-group';
import type { MetricsConfig } from './metrics-options.interface';
import { boundPort, startMetricsServer } from './metrics-server';
import { METRICS_OPTIONS } from './metrics.constants';

/**
 * Serves `GET /metrics`: at the app's HTTP server through the hook's direct routes
 * (outside the global prefix and guards), or on its own port when one is configured.
 */
@Injectable()
export class MetricsService
  implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger('Observability');
  private metricsServer: Server | undefined;
  private endpoint: MetricsEndpoint | undefined;
  private clusterLink: MetricsGroupLink | undefined;
  private statusRoute: DirectRouteHandler | undefined;

  constructor(
    @Inject(METRICS_OPTIONS) private readonly config: MetricsConfig,
    @Inject(OBSERVABILITY_SDK) private readonly sdk: RunningSdk,
    private readonly routes: DirectRoutes,
    private readonly activeUsers: ActiveUsersMetrics,
    @Optional()
    @Inject(PEER_METRICS_GROUP)
    private readonly joinPeers?: JoinPeerGroup,
  ) {}

  onModuleInit(): void {
    const { config, sdk } = this;
    if (sdk.options.disabled) {
      if (config.enabled) this.logger.warn(messages.sdkDisabled());
      return;
    }
    if (!config.enabled) return;
    if (sdk.metricReader === undefined) {
      this.logger.log(messages.metricsNotPulled(sdk.options.metrics.exporters));
      return;
    }
    const log = new RateLimitedLogger(this.logger);
    const endpoint = (this.endpoint = new MetricsEndpoint(
      sdk.metricReader,
      config.auth,
      log,
    ));
    // A worker of a primary running startClusterMetrics(), or a PM2 cluster-mode
    // instance, serves the group's numbers.
    const share = () => this.activeUsers.share();
    const link = (this.clusterLink =
      ClusterWorkerLink.join(sdk.metricReader, log, share) ??
      this.joinPeers?.({
        reader: sdk.metricReader,
        log,
        share,
        prefix: config.prefix,
      }));
    if (link) endpoint.serveGroup((openMetrics) => link.scrape(openMetrics));
    if (config.port === undefined) {
      this.routes.register(config.path, (req, res) =>
        endpoint.handle(req, res),
      );
      if (this.status)
        this.routes.register(statusPath(config.path), this.status);
    }
  }

  /** The doctor's status handler, when `metrics.status` is on. */
  private get status(): DirectRouteHandler | undefined {
    const { config, sdk } = this;
    if (!config.status) return undefined;
    return (this.statusRoute ??= statusHandler(
      sdk,
      createAuthorizationCheck(config.auth),
      config.auth && authChallenge(config.auth),
    ));
  }

  async onApplicationBootstrap(): Promise<void> {
    const { config } = this;
    if (this.endpoint === undefined || config.port === undefined) return;
    const endpoint = this.endpoint;
    const status = this.status;
    const statusPaths = new PathMatcher(
      status ? [statusPath(config.path)] : [],
    );
    this.metricsServer = await startMetricsServer(
      config.host,
      config.port,
      new PathMatcher(
        status ? [config.path, statusPath(config.path)] : [config.path],
      ),
      {
        handle: (req, res) =>
          status && statusPaths.matches(pathOf(req.url))
            ? status(req, res)
            : endpoint.handle(req, res),
      },
    );
    this.logger.log(
      `Prometheus metrics at http://${config.host}:${boundPort(this.metricsServer)}${config.path}`,
    );
  }

  /** The dedicated metrics port actually bound, when one is configured. */
  get metricsPort(): number | undefined {
    return this.metricsServer ? boundPort(this.metricsServer) : undefined;
  }

  /**
   * In a cluster worker, hands the group this worker's final counts. Called once the
   * app's HTTP server is closed and before the SDK shuts down.
   */
  async leaveCluster(): Promise<void> {
    const link = this.clusterLink;
    this.clusterLink = undefined;
    await link?.stop();
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

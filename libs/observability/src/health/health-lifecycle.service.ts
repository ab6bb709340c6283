import type { Server } from 'node:http';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
  Optional,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { messages } from '../core/messages';
import { ConnectionDrain } from '../http/connection-drain';
import { HEALTH_OPTIONS } from './health.constants';
import type { HealthConfig } from './resolved-health-options';

/**
 * Graceful shutdown for probes and connections. Shutdown starts (Nest's first hook,
 * `onModuleDestroy`) → readiness answers 503 `shutting_down` while liveness stays 200
 * and requests are still served. On a signal (`app.enableShutdownHooks()`),
 * `beforeApplicationShutdown` waits `drainDelayMs` so load balancers stop sending
 * traffic; then responses carry `Connection: close`, idle keep-alive connections are
 * closed, and Nest closes the listener. Requests still running get `shutdownTimeoutMs`,
 * after which their connections are destroyed, so the server closes and the process
 * exits within `drainDelayMs + shutdownTimeoutMs` of the signal (plus the other
 * shutdown hooks). `app.close()` without a signal (tests) does not wait the drain delay.
 */
@Injectable()
export class HealthLifecycleService
  implements
    OnApplicationBootstrap,
    OnModuleDestroy,
    BeforeApplicationShutdown,
    OnApplicationShutdown
{
  private readonly logger = new Logger('Observability');
  private shuttingDown = false;
  private connections: ConnectionDrain | undefined;

  constructor(
    @Inject(HEALTH_OPTIONS)
    private readonly options: HealthConfig,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  /** True from the start of shutdown: readiness must fail. */
  get draining(): boolean {
    return this.shuttingDown;
  }

  /** @internal */
  onApplicationBootstrap(): void {
    const adapter = this.adapterHost?.httpAdapter as
      { getHttpServer(): unknown } | undefined;
    const server = adapter?.getHttpServer() as Server | undefined;
    if (this.connections || typeof server?.closeIdleConnections !== 'function')
      return;
    this.connections = new ConnectionDrain(server);
    this.connections.track();
  }

  /** @internal */
  onModuleDestroy(): void {
    this.shuttingDown = true;
  }

  /** @internal */
  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.shuttingDown = true;
    const { enabled, drainDelayMs, shutdownTimeoutMs } = this.options;
    if (enabled && signal !== undefined && drainDelayMs > 0) {
      this.logger.log(messages.healthDraining(drainDelayMs));
      await new Promise((resolve) => setTimeout(resolve, drainDelayMs));
    }
    if (this.connections && this.connections.open > 0) {
      if (signal !== undefined)
        this.logger.log(messages.healthClosingConnections(shutdownTimeoutMs));
      this.connections.close(shutdownTimeoutMs);
    }
  }

  /** @internal */
  onApplicationShutdown(): void {
    this.connections?.dispose();
    this.connections = undefined;
  }
}

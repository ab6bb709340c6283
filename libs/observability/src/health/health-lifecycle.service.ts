import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
} from '@nestjs/common';
import { messages } from '../core/messages';
import { HEALTH_OPTIONS } from './health.constants';
import type { HealthConfig } from './resolved-health-options';

/**
 * Graceful shutdown for probes. Shutdown starts (Nest's first hook, `onModuleDestroy`)
 * → readiness answers 503 `shutting_down` while liveness stays 200. On a signal
 * (`app.enableShutdownHooks()`), `beforeApplicationShutdown` then waits `drainDelayMs`
 * so load balancers stop sending traffic before Nest closes the server, which lets
 * in-flight requests finish. `app.close()` without a signal (tests) does not wait.
 */
@Injectable()
export class HealthLifecycleService
  implements OnModuleDestroy, BeforeApplicationShutdown
{
  private readonly logger = new Logger('Observability');
  private shuttingDown = false;

  constructor(
    @Inject(HEALTH_OPTIONS)
    private readonly options: HealthConfig,
  ) {}

  /** True from the start of shutdown: readiness must fail. */
  get draining(): boolean {
    return this.shuttingDown;
  }

  onModuleDestroy(): void {
    this.shuttingDown = true;
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.shuttingDown = true;
    const { enabled, drainDelayMs } = this.options;
    if (!enabled || signal === undefined || drainDelayMs === 0) return;
    this.logger.log(messages.healthDraining(drainDelayMs));
    await new Promise((resolve) => setTimeout(resolve, drainDelayMs));
  }
}

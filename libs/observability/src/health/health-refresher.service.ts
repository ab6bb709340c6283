import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { HEALTH_OPTIONS } from './health.constants';
import { HealthReportService } from './health-report.service';
import type { HealthConfig } from './resolved-health-options';

/**
 * Re-runs every configured check every `health.refreshIntervalMs`, so
 * `prs_health_check_status` exists (and the HealthCheckDown alert can see) without a
 * blackbox prober calling the endpoints. The first round runs at bootstrap and boot waits
 * for it (the report's deadline bounds it); the next round is scheduled only after one
 * finishes, so rounds never overlap; checks keep their timeouts and share a running
 * attempt with concurrent probes. The timer is unref'd and stops when shutdown starts.
 */
@Injectable()
export class HealthRefresher
  implements OnApplicationBootstrap, OnModuleDestroy
{
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly report: HealthReportService,
    @Inject(HEALTH_OPTIONS) private readonly options: HealthConfig,
  ) {}

  /** @internal */
  async onApplicationBootstrap(): Promise<void> {
    if (this.options.refreshIntervalMs <= 0 || this.timer || this.stopped)
      return;
    await this.round();
  }

  /** @internal */
  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async round(): Promise<void> {
    try {
      // The report records each check's status and duration; its body is not needed.
      await this.report.full(false);
    } catch {
      // Unreachable by design (checks never throw); the next round tries again.
    }
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.round();
    }, this.options.refreshIntervalMs);
    this.timer.unref();
  }
}

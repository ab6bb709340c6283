import { Inject, Injectable } from '@nestjs/common';
import { messages } from '../core/messages';
import { HEALTH_OPTIONS } from './health.constants';
import type { HealthConfig } from './resolved-health-options';
import type { CheckOutcome } from './check-outcome';
import {
  allHealthy,
  notReadyError,
  type CheckEntry,
  checkEntry,
  externalEntry,
  readinessEntry,
} from './health-report';
import { ApplicationHealthIndicator } from './indicators/application.health';
import { DiskSpaceHealthIndicator } from './indicators/disk-space.health';
import { PostgresHealthIndicator } from './indicators/postgres.health';
import type { ProbeHealthIndicator } from './indicators/probe-health.indicator';
import { RedisHealthIndicator } from './indicators/redis.health';
import { S3HealthIndicator } from './indicators/s3.health';
import { SmtpHealthIndicator } from './indicators/smtp.health';

/** A probe endpoint's answer. */
export interface HealthResponse {
  statusCode: 200 | 503;
  body: Record<string, unknown>;
}

/**
 * Builds the full and readiness reports from the indicators, every check in parallel,
 * and answers within `deadlineMs` whatever a check does: one still pending then is
 * `down` with "timeout after <deadline> ms".
 */
@Injectable()
export class HealthReportService {
  private readonly health: HealthConfig;

  constructor(
    private readonly postgres: PostgresHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly disk: DiskSpaceHealthIndicator,
    private readonly smtp: SmtpHealthIndicator,
    private readonly s3: S3HealthIndicator,
    private readonly application: ApplicationHealthIndicator,
    @Inject(HEALTH_OPTIONS) options: HealthConfig,
  ) {
    this.health = options;
  }

  /** `GET /api/health/`: the guide's report (thresholds included); 503 when any check is unhealthy. */
  async full(detailed: boolean): Promise<HealthResponse> {
    const deadline = new Deadline(this.health.deadlineMs);
    try {
      const [database, cache, disk, email, s3, application] = await Promise.all(
        [
          this.postgres,
          this.redis,
          this.disk,
          this.smtp,
          this.s3,
          this.application,
        ].map((i) => this.run(i, deadline)),
      );
      const checks: Record<string, CheckEntry> = {};
      if (database) checks.database = checkEntry(database, detailed);
      if (cache) checks.cache = checkEntry(cache, detailed);
      if (disk) checks.disk = checkEntry(disk, detailed);
      checks.external_services = externalEntry({ email, s3 }, detailed);
      if (application) checks.application = checkEntry(application, detailed);
      const healthy = allHealthy(checks);
      return {
        statusCode: healthy ? 200 : 503,
        body: {
          status: healthy ? 'healthy' : 'unhealthy',
          timestamp: new Date().toISOString(),
          version: this.health.version,
          checks,
        },
      };
    } finally {
      deadline.clear();
    }
  }

  /**
   * `GET /health/ready`: database and cache only, down when a check failed or timed out;
   * a check that answered past its latency threshold is ready (`slow: true`). A 503
   * carries `error` (as the guide's does), naming the failed checks only: their reasons
   * stay in the (masked) details.
   */
  async ready(detailed: boolean): Promise<HealthResponse> {
    const deadline = new Deadline(this.health.deadlineMs);
    try {
      const [database, cache] = await Promise.all([
        this.run(this.postgres, deadline),
        this.run(this.redis, deadline),
      ]);
      const checks: Record<string, CheckEntry> = {};
      if (database) checks.database = readinessEntry(database, detailed);
      if (cache) checks.cache = readinessEntry(cache, detailed);
      const ready = allHealthy(checks);
      return {
        statusCode: ready ? 200 : 503,
        body: ready
          ? { status: 'ready', checks }
          : { status: 'not ready', error: notReadyError(checks), checks },
      };
    } finally {
      deadline.clear();
    }
  }

  private async run(
    indicator: ProbeHealthIndicator,
    deadline: Deadline,
  ): Promise<CheckOutcome | undefined> {
    if (!indicator.configured) return undefined;
    const outcome = await Promise.race([indicator.outcome(), deadline.expired]);
    return (
      outcome ??
      indicator.failed(messages.healthCheckTimeout(deadline.ms), deadline.ms)
    );
  }
}

/** One request's deadline: `expired` resolves (to `undefined`) when it passes. */
class Deadline {
  readonly expired: Promise<undefined>;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly ms: number) {
    this.expired = new Promise((resolve) => {
      this.timer = setTimeout(() => resolve(undefined), ms);
    });
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

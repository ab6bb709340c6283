import { Logger, type Provider } from '@nestjs/common';
import { RateLimitedLogger } from '../core/rate-limited-logger';
import { HealthMetrics } from '../metrics/instruments/health-metrics';
import { CheckRunner } from './check-runner';
import { HealthEndpoints } from './health-endpoints';
import { HEALTH_OPTIONS } from './health.constants';
import type { HealthConfig } from './resolved-health-options';
import { HealthLifecycleService } from './health-lifecycle.service';
import { HealthRefresher } from './health-refresher.service';
import { HealthReportService } from './health-report.service';
import { collectSecrets } from './health-secrets';
import { ApplicationHealthIndicator } from './indicators/application.health';
import { DiskSpaceHealthIndicator } from './indicators/disk-space.health';
import { PostgresHealthIndicator } from './indicators/postgres.health';
import { RedisHealthIndicator } from './indicators/redis.health';
import { S3HealthIndicator } from './indicators/s3.health';
import { SmtpHealthIndicator } from './indicators/smtp.health';
import { SecretRedactor } from './secret-redactor';

/** What the module exports for users' own `@HealthCheck()` controllers. */
export const HEALTH_EXPORTS = [
  PostgresHealthIndicator,
  RedisHealthIndicator,
  DiskSpaceHealthIndicator,
  SmtpHealthIndicator,
  S3HealthIndicator,
  ApplicationHealthIndicator,
  HealthReportService,
  HealthLifecycleService,
];

/** The health capability's providers (registered by `ObservabilityModule`). */
export const HEALTH_PROVIDERS: Provider[] = [
  {
    provide: CheckRunner,
    useFactory: (health: HealthConfig, metrics: HealthMetrics): CheckRunner => {
      const log = new RateLimitedLogger(new Logger('Observability'));
      return new CheckRunner(
        health.timeoutMs,
        health.cacheTtlMs,
        new SecretRedactor(collectSecrets(health)),
        {
          record: (check, healthy, seconds) =>
            metrics.record(check, healthy, seconds),
          warn: (cause, message) => log.warn(cause, message),
        },
      );
    },
    inject: [HEALTH_OPTIONS, HealthMetrics],
  },
  ...HEALTH_EXPORTS,
  HealthEndpoints,
  HealthRefresher,
];

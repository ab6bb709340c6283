import { Logger, type Provider } from '@nestjs/common';
import { RateLimitedLogger } from '../diagnostics/rate-limited-logger';
import { PrsMetrics } from '../metrics/prs-metrics';
import { OBSERVABILITY_OPTIONS } from '../observability.constants';
import type { ResolvedObservabilityOptions } from '../options/resolved-options';
import { CheckRunner } from './check-runner';
import { HealthEndpoints } from './health-endpoints';
import { HealthLifecycleService } from './health-lifecycle.service';
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
    useFactory: (
      options: ResolvedObservabilityOptions,
      metrics: PrsMetrics,
    ): CheckRunner => {
      const log = new RateLimitedLogger(new Logger('Observability'));
      return new CheckRunner(
        options.health.timeoutMs,
        options.health.cacheTtlMs,
        new SecretRedactor(collectSecrets(options)),
        {
          record: (check, healthy, seconds) =>
            metrics.recordHealthCheck(check, healthy, seconds),
          warn: (cause, message) => log.warn(cause, message),
        },
      );
    },
    inject: [OBSERVABILITY_OPTIONS, PrsMetrics],
  },
  ...HEALTH_EXPORTS,
  HealthEndpoints,
];

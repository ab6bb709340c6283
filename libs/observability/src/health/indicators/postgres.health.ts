import { Inject, Injectable } from '@nestjs/common';
import {
  type HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { HEALTH_OPTIONS } from '../health.constants';
import type { HealthConfig } from '../resolved-health-options';
import { CheckRunner } from '../check-runner';
import { HEALTH_CHECKS } from '../health-checks';
import { PostgresProbe } from '../probes/postgres.probe';
import { ProbeHealthIndicator } from './probe-health.indicator';

/**
 * Postgres: `SELECT 1` round trip (healthy below 1 s), slow queries and connection count.
 * Configured by `health.postgres`; usable in your own `@HealthCheck()` controller.
 *
 * @example
 * ```ts
 * @Get('health') @HealthCheck()
 * check() { return this.health.check([() => this.postgres.isHealthy('database')]); }
 * ```
 */
@Injectable()
export class PostgresHealthIndicator extends ProbeHealthIndicator {
  constructor(
    indicators: HealthIndicatorService,
    runner: CheckRunner,
    @Inject(HEALTH_OPTIONS) options: HealthConfig,
  ) {
    const { postgres: config, timeoutMs } = options;
    const target = config && new PostgresProbe(config, timeoutMs);
    super(
      indicators,
      runner,
      HEALTH_CHECKS.database,
      target && ((signal) => target.run(signal)),
      'postgres',
      target,
    );
  }

  /** Runs the check (shared, bounded, masked) and reports it under `key`. Never throws. */
  isHealthy(key = 'database'): Promise<HealthIndicatorResult> {
    return this.check(key);
  }
}

import { Inject, Injectable } from '@nestjs/common';
import {
  type HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { CheckRunner } from '../check-runner';
import { HEALTH_CHECKS } from '../health-checks';
import { HEALTH_OPTIONS } from '../health.constants';
import type { HealthConfig } from '../resolved-health-options';
import { ProbeHealthIndicator } from './probe-health.indicator';

/**
 * S3: `HeadBucket` through the optional peer `@aws-sdk/client-s3`.
 * Configured by `health.s3`; usable in your own `@HealthCheck()` controller.
 *
 * @example
 * ```ts
 * @Get('health') @HealthCheck()
 * check() { return this.health.check([() => this.s3.isHealthy('s3')]); }
 * ```
 */
@Injectable()
export class S3HealthIndicator extends ProbeHealthIndicator {
  constructor(
    indicators: HealthIndicatorService,
    runner: CheckRunner,
    @Inject(HEALTH_OPTIONS) options: HealthConfig,
  ) {
    super(indicators, runner, options, HEALTH_CHECKS.s3);
  }

  /** Runs the check (shared, bounded, masked) and reports it under `key`. Never throws. */
  isHealthy(key = 's3'): Promise<HealthIndicatorResult> {
    return this.check(key);
  }
}

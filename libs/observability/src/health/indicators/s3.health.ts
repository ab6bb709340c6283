import { Inject, Injectable } from '@nestjs/common';
import {
  type HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { HEALTH_OPTIONS } from '../health.constants';
import type { HealthConfig } from '../resolved-health-options';
import { CheckRunner } from '../check-runner';
import { HEALTH_CHECKS } from '../health-checks';
import { S3Probe } from '../probes/s3.probe';
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
    const { s3: config, timeoutMs } = options;
    const target = config && new S3Probe(config, timeoutMs);
    super(
      indicators,
      runner,
      HEALTH_CHECKS.s3,
      target && ((signal) => target.run(signal)),
      's3',
      target,
    );
  }

  /** Runs the check (shared, bounded, masked) and reports it under `key`. Never throws. */
  isHealthy(key = 's3'): Promise<HealthIndicatorResult> {
    return this.check(key);
  }
}

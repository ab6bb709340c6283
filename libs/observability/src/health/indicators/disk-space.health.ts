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
 * Disk: free space of the root and the log directory (unhealthy below 10% free).
 * A path that cannot be read is `down` with the reason, never silently healthy.
 * Configured by `health.disk` (on by default); named to avoid Terminus' `DiskHealthIndicator`.
 *
 * @example
 * ```ts
 * @Get('health') @HealthCheck()
 * check() { return this.health.check([() => this.disk.isHealthy('disk')]); }
 * ```
 */
@Injectable()
export class DiskSpaceHealthIndicator extends ProbeHealthIndicator {
  constructor(
    indicators: HealthIndicatorService,
    runner: CheckRunner,
    @Inject(HEALTH_OPTIONS) options: HealthConfig,
  ) {
    super(indicators, runner, options, HEALTH_CHECKS.disk);
  }

  /** Runs the check (shared, bounded, masked) and reports it under `key`. Never throws. */
  isHealthy(key = 'disk'): Promise<HealthIndicatorResult> {
    return this.check(key);
  }
}

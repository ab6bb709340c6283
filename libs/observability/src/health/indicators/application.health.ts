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
 * Application: your `health.application.check` callback (e.g. a user count), with the
 * same timeout, sharing and masking as the dependency checks. Without a callback it
 * reports the process itself as up.
 *
 * @example
 * ```ts
 * @Get('health') @HealthCheck()
 * check() { return this.health.check([() => this.app.isHealthy('application')]); }
 * ```
 */
@Injectable()
export class ApplicationHealthIndicator extends ProbeHealthIndicator {
  constructor(
    indicators: HealthIndicatorService,
    runner: CheckRunner,
    @Inject(HEALTH_OPTIONS) options: HealthConfig,
  ) {
    super(indicators, runner, options, HEALTH_CHECKS.application);
  }

  /** Runs the check (shared, bounded, masked) and reports it under `key`. Never throws. */
  isHealthy(key = 'application'): Promise<HealthIndicatorResult> {
    return this.check(key);
  }
}

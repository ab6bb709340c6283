import { Inject, Injectable } from '@nestjs/common';
import {
  type HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { HEALTH_OPTIONS } from '../health.constants';
import type { HealthConfig } from '../resolved-health-options';
import { CheckRunner } from '../check-runner';
import { HEALTH_CHECKS } from '../health-checks';
import { ApplicationProbe } from '../probes/application.probe';
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
    const target = new ApplicationProbe(options.application);
    super(
      indicators,
      runner,
      HEALTH_CHECKS.application,
      (signal) => target.run(signal),
      'application',
    );
  }

  /** Runs the check (shared, bounded, masked) and reports it under `key`. Never throws. */
  isHealthy(key = 'application'): Promise<HealthIndicatorResult> {
    return this.check(key);
  }
}

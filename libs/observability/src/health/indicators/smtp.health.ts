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
 * SMTP: connect, EHLO (and AUTH when configured) through the optional peer `nodemailer`.
 * Configured by `health.smtp`; usable in your own `@HealthCheck()` controller.
 *
 * @example
 * ```ts
 * @Get('health') @HealthCheck()
 * check() { return this.health.check([() => this.smtp.isHealthy('email')]); }
 * ```
 */
@Injectable()
export class SmtpHealthIndicator extends ProbeHealthIndicator {
  constructor(
    indicators: HealthIndicatorService,
    runner: CheckRunner,
    @Inject(HEALTH_OPTIONS) options: HealthConfig,
  ) {
    super(indicators, runner, options, HEALTH_CHECKS.email);
  }

  /** Runs the check (shared, bounded, masked) and reports it under `key`. Never throws. */
  isHealthy(key = 'email'): Promise<HealthIndicatorResult> {
    return this.check(key);
  }
}

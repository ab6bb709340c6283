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
 * Redis: SET/GET round trip on a namespaced key with a TTL (healthy below 100 ms),
 * `connected_clients` and `used_memory_human`, on the app's own ioredis client.
 * Configured by `health.redis`; usable in your own `@HealthCheck()` controller.
 *
 * @example
 * ```ts
 * @Get('health') @HealthCheck()
 * check() { return this.health.check([() => this.redis.isHealthy('cache')]); }
 * ```
 */
@Injectable()
export class RedisHealthIndicator extends ProbeHealthIndicator {
  constructor(
    indicators: HealthIndicatorService,
    runner: CheckRunner,
    @Inject(HEALTH_OPTIONS) options: HealthConfig,
  ) {
    super(indicators, runner, options, HEALTH_CHECKS.cache);
  }

  /** Runs the check (shared, bounded, masked) and reports it under `key`. Never throws. */
  isHealthy(key = 'cache'): Promise<HealthIndicatorResult> {
    return this.check(key);
  }
}

import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type {
  HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { messages } from '../../core/messages';
import type { CheckOutcome, ProbeTarget } from '../check-outcome';
import type { CheckRunner } from '../check-runner';
import type { IndicatorSpec } from '../health-checks';
import type { HealthConfig } from '../resolved-health-options';

/**
 * The one indicator behind the six public ones, which only name their
 * {@link HEALTH_CHECKS} entry. Runs the probe through the {@link CheckRunner}
 * (timeout, one operation at a time, cache, metrics, masking) and turns the outcome
 * into a Terminus result. Never throws: failures are `down` with a masked reason.
 */
export abstract class ProbeHealthIndicator
  implements OnModuleInit, OnApplicationShutdown
{
  private readonly probe: ProbeTarget | undefined;

  protected constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly runner: CheckRunner,
    options: HealthConfig,
    private readonly spec: IndicatorSpec,
  ) {
    this.probe = spec.probe(options);
  }

  /** @internal */
  async onModuleInit(): Promise<void> {
    await this.probe?.prepare?.();
  }

  /** @internal */
  async onApplicationShutdown(): Promise<void> {
    await this.probe?.close?.();
  }

  /** Whether the module options configure this check. */
  get configured(): boolean {
    return this.probe !== undefined;
  }

  /** The check's outcome; an unconfigured check is `down` without running anything. */
  outcome(): Promise<CheckOutcome> {
    const probe = this.probe;
    if (probe === undefined) {
      return Promise.resolve(
        this.failed(messages.healthCheckNotConfigured(this.spec.option), 0),
      );
    }
    return this.runner.run(this.spec, (signal) => probe.run(signal));
  }

  /** The `down` outcome of this check for `error` (a deadline, a missing option). */
  failed(error: string, durationMs: number): CheckOutcome {
    const data = { error, details: this.spec.failedDetails };
    return { healthy: false, slow: false, data, durationMs };
  }

  protected async check(key: string): Promise<HealthIndicatorResult> {
    const session = this.indicators.check(key);
    const { healthy, data } = await this.outcome();
    return healthy ? session.up(data) : session.down(data);
  }
}

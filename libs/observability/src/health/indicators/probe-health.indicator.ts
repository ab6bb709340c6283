import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type {
  HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { messages } from '../../core/messages';
import type { CheckOutcome, CheckSpec, Probe } from '../check-outcome';
import type { CheckRunner } from '../check-runner';

/** A probe that owns a client or pool: loaded at bootstrap, released at shutdown. */
export interface OwnedResource {
  prepare?(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Shared body of the indicators: runs the probe through the {@link CheckRunner}
 * (timeout, one operation at a time, cache, metrics, masking) and turns the outcome
 * into a Terminus result. Never throws: failures are `down` with a masked reason.
 * A probe that owns a client prepares it at bootstrap (an optional peer loads then,
 * not during the first probe) and closes it at shutdown.
 */
export abstract class ProbeHealthIndicator
  implements OnModuleInit, OnApplicationShutdown
{
  protected constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly runner: CheckRunner,
    private readonly spec: CheckSpec,
    private readonly probe: Probe | undefined,
    private readonly option: string,
    private readonly owned?: OwnedResource,
  ) {}

  /** @internal */
  async onModuleInit(): Promise<void> {
    await this.owned?.prepare?.();
  }

  /** @internal */
  async onApplicationShutdown(): Promise<void> {
    await this.owned?.close();
  }

  /** Whether the module options configure this check. */
  get configured(): boolean {
    return this.probe !== undefined;
  }

  /** The check's outcome; an unconfigured check is `down` without running anything. */
  outcome(): Promise<CheckOutcome> {
    if (this.probe === undefined) {
      return Promise.resolve(
        this.failed(messages.healthCheckNotConfigured(this.option), 0),
      );
    }
    return this.runner.run(this.spec, this.probe);
  }

  /** The `down` outcome of this check for `error` (a deadline, a missing option). */
  failed(error: string, durationMs: number): CheckOutcome {
    const data = { error, details: this.spec.failedDetails };
    return { healthy: false, data, durationMs };
  }

  protected async check(key: string): Promise<HealthIndicatorResult> {
    const session = this.indicators.check(key);
    const { healthy, data } = await this.outcome();
    return healthy ? session.up(data) : session.down(data);
  }
}

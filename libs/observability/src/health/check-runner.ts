import { performance } from 'node:perf_hooks';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { markHealthProbe } from '../core/health-probe-context';
import { messages } from '../core/messages';
import type {
  CheckOutcome,
  CheckSpec,
  Probe,
  ProbeResult,
} from './check-outcome';
import { failureReason } from './failure-reason';
import type { SecretRedactor } from './secret-redactor';

/** Where the runner reports each evaluation (metrics) and each failure (rate-limited log). */
export interface CheckRunnerHooks {
  record(check: string, healthy: boolean, seconds: number): void;
  warn(cause: string, message: string): void;
}

interface Attempt {
  outcome: Promise<CheckOutcome>;
  /** The probe's own operation has not settled yet (it may outlive its timeout). */
  running: boolean;
  startedAt: number;
}

interface Slot {
  current?: Attempt;
  cached?: { outcome: CheckOutcome; at: number };
}

// Keys that would clash with the report's own fields or with Terminus' reserved `status`.
const RESERVED = ['status', 'healthy'];

/**
 * Runs checks with a timeout, at most one operation per check at a time, and an optional
 * result cache. Concurrent callers share the running attempt; once an attempt has timed
 * out, callers get its timeout result until the operation settles (a hung dependency
 * never gets a second connection per probe). An operation that ignores its abort signal
 * is abandoned after `stuckAfterMs`, so a wedged client cannot silence the check forever.
 */
export class CheckRunner {
  private readonly slots = new Map<string, Slot>();
  private readonly stuckAfterMs: number;

  constructor(
    private readonly timeoutMs: number,
    private readonly cacheTtlMs: number,
    private readonly redactor: SecretRedactor,
    private readonly hooks: CheckRunnerHooks,
  ) {
    this.stuckAfterMs = Math.max(30_000, timeoutMs * 10);
  }

  /** The outcome of `spec`, from the cache, the running attempt, or a new one. */
  run(spec: CheckSpec, probe: Probe): Promise<CheckOutcome> {
    let slot = this.slots.get(spec.name);
    if (slot === undefined) this.slots.set(spec.name, (slot = {}));
    const now = Date.now();
    if (
      this.cacheTtlMs > 0 &&
      slot.cached &&
      now - slot.cached.at < this.cacheTtlMs
    ) {
      return Promise.resolve(slot.cached.outcome);
    }
    const current = slot.current;
    if (current?.running && now - current.startedAt < this.stuckAfterMs)
      return current.outcome;
    return this.start(slot, spec, probe);
  }

  private start(
    slot: Slot,
    spec: CheckSpec,
    probe: Probe,
  ): Promise<CheckOutcome> {
    const controller = new AbortController();
    const started = performance.now();
    let settle: (outcome: CheckOutcome) => void = () => undefined;
    const attempt: Attempt = {
      outcome: new Promise((resolve) => (settle = resolve)),
      running: true,
      startedAt: Date.now(),
    };
    slot.current = attempt;
    let finished = false;
    const finish = (result: ProbeResult): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      const outcome = this.complete(spec, result, performance.now() - started);
      slot.cached = { outcome, at: Date.now() };
      settle(outcome);
    };
    const failed = (error: string): ProbeResult => ({
      healthy: false,
      data: { error, details: spec.failedDetails },
    });
    const timer = setTimeout(() => {
      finish(failed(messages.healthCheckTimeout(this.timeoutMs)));
      controller.abort();
    }, this.timeoutMs);

    // Health probes are not traffic: keep their pg/ioredis calls out of traces and
    // out of the dependency metrics.
    const quiet = markHealthProbe(suppressTracing(context.active()));
    // The executor turns a synchronous throw into a rejection.
    const operation = context.with(
      quiet,
      () =>
        new Promise<ProbeResult>((resolve) =>
          resolve(probe(controller.signal)),
        ),
    );
    operation
      .then(finish, (error: unknown) =>
        finish(failed(failureReason(error, this.redactor))),
      )
      .finally(() => (attempt.running = false))
      .catch(() => undefined);
    return attempt.outcome;
  }

  private complete(
    spec: CheckSpec,
    result: ProbeResult,
    durationMs: number,
  ): CheckOutcome {
    const data = this.redactor.redactData(result.data);
    for (const key of RESERVED) delete data[key];
    const healthy = result.healthy === true;
    const slow = !healthy && result.slow === true;
    try {
      this.hooks.record(spec.name, healthy, durationMs / 1000);
      if (!healthy) {
        const reason =
          typeof data.error === 'string' ? data.error : 'unhealthy';
        this.hooks.warn(
          `health:${spec.name}`,
          slow
            ? messages.healthCheckSlow(spec.name, reason)
            : messages.healthCheckDown(spec.name, reason),
        );
      }
    } catch {
      // Telemetry never breaks the check.
    }
    return { healthy, slow, data, durationMs };
  }
}

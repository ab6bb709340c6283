/** What a probe found: healthy or not, and the fields it reports (`details`, figures, `error`). */
export interface ProbeResult {
  healthy: boolean;
  /**
   * The dependency answered, but past a threshold of the guide (a round trip, slow
   * queries): the full report is unhealthy ("slow"), readiness is not affected.
   */
  slow?: boolean;
  data: Record<string, unknown>;
}

/** One probe run; `signal` aborts when the check times out. Throwing means `down`. */
export type Probe = (signal: AbortSignal) => Promise<ProbeResult>;

/**
 * A dependency probe behind an indicator: `run` is one {@link Probe} run. A probe that
 * owns a client loads it in `prepare` at bootstrap (an optional peer loads then, not
 * during the first probe) and releases it in `close` at shutdown.
 */
export interface ProbeTarget {
  run: Probe;
  prepare?(): Promise<void>;
  close?(): Promise<void>;
}

/** A check as the endpoints and metrics name it, with its failure wording. */
export interface CheckSpec {
  /** `check` label and report key: `database`, `cache`, `disk`, `email`, `s3`, `application`. */
  name: string;
  /** `details` text when the check fails without reaching its dependency. */
  failedDetails: string;
}

/** A finished check: masked data, ready for a body, a log line or a Terminus result. */
export interface CheckOutcome {
  healthy: boolean;
  /** Unhealthy only because a threshold was crossed: the dependency answered. */
  slow: boolean;
  data: Record<string, unknown>;
  durationMs: number;
}

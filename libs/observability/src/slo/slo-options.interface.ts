import type { ConfigProblem } from '../core/observability-config.error';

/**
 * One service level objective: the share of a service's (or one route's) requests
 * that must be good over a rolling window. See docs/slo.md.
 *
 * @example
 * ```ts
 * { name: 'deal-read-latency', kind: 'latency', route: 'GET /api/deals/:id', objective: 99, threshold: 0.25 }
 * ```
 */
export interface SloObjective {
  /** Unique name, lower-case words joined by `-` (the `slo` label of rules and alerts). */
  name: string;
  /**
   * `availability`: a request is good unless its status is in `errorStatuses`.
   * `latency`: a request is good when it took at most `threshold` seconds.
   */
  kind: 'availability' | 'latency';
  /**
   * Percentage of good requests, above 0 and below 100 (`99.9`).
   */
  objective: number;
  /**
   * `METHOD /route/template` as the `method` and `endpoint` labels carry it
   * (`GET /api/deals/:id`, global prefix included). Absent: every request of the service.
   * @default undefined
   */
  route?: string;
  /**
   * Latency only: seconds; must be one of the bucket bounds of
   * `prs_http_request_duration_seconds` (`http.durationBuckets`).
   */
  threshold?: number;
  /**
   * Availability only: the status codes that count as errors, as classes (`5xx`) or
   * codes (`429`).
   * @default ['5xx']
   */
  errorStatuses?: string[];
  /**
   * The rolling window the objective holds over (`30d`, `4w`, `7d`).
   * @default the declaration's `window` (30d)
   */
  window?: string;
}

/**
 * Service level objectives of one service: the `slo` module option, or a `slos.yaml`
 * file read by `prs-observability slo-rules`. See docs/slo.md.
 */
export interface SloOptions {
  /**
   * The service: the Prometheus `job` label of its scrape job (every instance of the job
   * counts: a fleet), also the `service` label of the generated alerts.
   */
  service: string;
  /**
   * Default window of the objectives.
   * @default '30d'
   */
  window?: string;
  /** The objectives; names are unique. */
  objectives: SloObjective[];
}

/** One objective after validation, with every default applied. */
export interface ResolvedSloObjective {
  name: string;
  kind: 'availability' | 'latency';
  /** As declared, in percent (99.9). */
  objective: number;
  /** `{ method, endpoint }`, or undefined for the whole service. */
  route: { method: string; endpoint: string } | undefined;
  threshold: number | undefined;
  /** Availability: the status classes/codes that are errors (`5xx`, `429`). */
  errorStatuses: string[];
  /** Window in seconds. */
  windowSeconds: number;
}

/** {@link SloOptions} after validation. */
export interface ResolvedSloOptions {
  service: string;
  objectives: ResolvedSloObjective[];
}

/**
 * The `slo` option as the module holds it until bootstrap: the objectives, and the
 * problems found in them, reported together with unknown routes once Nest knows the
 * routes (one error for all of them).
 */
export interface SloConfig {
  slo: ResolvedSloOptions | undefined;
  problems: readonly ConfigProblem[];
}

/** Credentials `/metrics` requires; compared in constant time. */
export type MetricsAuthOptions =
  | {
      /** Scrapers send `Authorization: Bearer <token>`. */
      bearerToken: string;
    }
  | {
      /** Scrapers send HTTP Basic credentials. */
      username: string;
      password: string;
    };

/** Where and how `/metrics` is served, and the metric naming contract. */
export interface MetricsOptions {
  /**
   * Serve `/metrics` and record metrics at all.
   * @default true
   */
  enabled?: boolean;
  /**
   * Prefix of every metric name (`prs` → `prs_http_requests_total`).
   * @default 'prs'
   */
  prefix?: string;
  /**
   * Path of the Prometheus endpoint; served with and without a trailing slash,
   * outside the global prefix and global guards.
   * @default '/metrics'
   */
  path?: string;
  /**
   * Serve `/metrics` on this dedicated port instead of the application port
   * (`0` picks a free one). The application port then does not answer it.
   * @default undefined (the application port)
   */
  port?: number;
  /**
   * Bind address of the dedicated metrics port.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * Require credentials on `/metrics`; without them it answers 401 and no metric bytes.
   * @default undefined (no authentication)
   */
  auth?: MetricsAuthOptions;
  /**
   * Most label sets (series) one metric keeps; later new label sets fold into one
   * overflow series whose labels all read `__overflow__`, counted in
   * `prs_metric_series_overflow_total{metric}`.
   * @default 1000
   */
  seriesLimit?: number;
  /**
   * Serve `GET <path>/status` (e.g. `/metrics/status`), next to the metrics and behind the
   * same auth: a read-only JSON status (versions, preload flags, which of pg/ioredis were
   * loaded before the SDK, export counters; no option or environment values, no hosts, no
   * credentials) that `npx prs-observability doctor --url` reads. When unset,
   * `PRS_OBSERVABILITY_STATUS=true` turns it on.
   * @default false
   */
  status?: boolean;
}

/** HTTP request metrics, recorded at the HTTP server for every request. */
export interface HttpMetricsOptions {
  /**
   * Histogram bucket upper bounds, in seconds, for `prs_http_request_duration_seconds`.
   * @default [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 5, 10]
   */
  durationBuckets?: number[];
  /**
   * Raw request paths (no query string) not counted in HTTP metrics. A trailing `/*`
   * excludes a whole subtree. The metrics path is always excluded.
   * @default ['/api/health', '/api/health/', '/health/ready', '/health/live']
   */
  excludePaths?: string[];
}

/** The `metrics` section after validation, with every default applied. */
export interface ResolvedMetricsOptions {
  enabled: boolean;
  prefix: string;
  path: string;
  port: number | undefined;
  host: string;
  auth: MetricsAuthOptions | undefined;
  seriesLimit: number;
  status: boolean;
}

/** The `http` section after validation, with every default applied. */
export interface ResolvedHttpMetricsOptions {
  durationBuckets: number[];
  excludePaths: string[];
}

/** What the metrics capability is given: the `metrics` section and the `http` one. */
export interface MetricsConfig extends ResolvedMetricsOptions {
  readonly http: ResolvedHttpMetricsOptions;
}

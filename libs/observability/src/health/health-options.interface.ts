import type {
  ApplicationCheck,
  PgPoolLike,
  RedisClientLike,
  S3ClientLike,
  SmtpTransporterLike,
} from './health-targets.interface';

/**
 * Who sees check details (response times, counts, masked error reasons):
 * `never`, `when-authorized` (callers sending `Authorization: Bearer <health.token>`)
 * or `always`. Everyone else gets each check's `healthy` flag only.
 */
export type HealthDetailsPolicy = 'never' | 'when-authorized' | 'always';

/** Paths of the probes, served before Nest routing (outside the global prefix and guards). */
export interface HealthPathsOptions {
  /** Full report. @default '/api/health' (also answers '/api/health/') */
  full?: string;
  /** Readiness: database and cache only. @default '/health/ready' */
  ready?: string;
  /** Liveness: the process only, never a dependency. @default '/health/live' */
  live?: string;
}

/** Postgres check: `SELECT 1` round trip, slow queries and connection count. */
export interface PostgresHealthOptions {
  /** The app's own `pg` Pool (preferred: no extra connections). Give this or `connectionString`. */
  pool?: PgPoolLike;
  /** A connection string; the check then keeps its own one-connection pool. */
  connectionString?: string;
  /** Healthy below this `SELECT 1` round trip. @default 1000 */
  responseTimeThresholdMs?: number;
  /** A query active longer than this counts as slow. @default 30 */
  slowQuerySeconds?: number;
  /** Unhealthy at this many slow queries or more. @default 5 */
  maxSlowQueries?: number;
}

/** Redis check: SET/GET round trip on a namespaced key with a TTL, plus INFO figures. */
export interface RedisHealthOptions {
  /** The app's ioredis client (standalone, sentinel or cluster); never a new connection. */
  client: RedisClientLike;
  /** Prefix of the probe key (`<prefix><hostname>:<pid>`). @default 'prs:health:' */
  keyPrefix?: string;
  /** Expiry of the probe key, in seconds. @default 30 */
  keyTtlSeconds?: number;
  /** Healthy below this SET+GET round trip. @default 100 */
  responseTimeThresholdMs?: number;
}

/** Disk check: free space of the root and (optionally) the log directory. */
export interface DiskHealthOptions {
  /** Main path whose filesystem is measured. @default '/' */
  path?: string;
  /**
   * Log directory, measured too when set (`log_disk_free_percent`).
   * @default the directory of `logging.files.main` when logging to a file, else undefined
   */
  logPath?: string;
  /** Unhealthy below this percentage of free space. @default 10 */
  minFreePercent?: number;
}

/** SMTP check (optional peer `nodemailer`): connect, EHLO and AUTH via `verify()`. */
export interface SmtpHealthOptions {
  /** Your own nodemailer transporter; otherwise give `host`. */
  transporter?: SmtpTransporterLike;
  /** SMTP server host. */
  host?: string;
  /** @default 587 */
  port?: number;
  /** Implicit TLS. @default true on port 465, false otherwise */
  secure?: boolean;
  /** Credentials, when the server requires AUTH. Never shown or logged. */
  auth?: { user: string; pass: string };
}

/** S3 check (optional peer `@aws-sdk/client-s3`): `HeadBucket` on one bucket. */
export interface S3HealthOptions {
  /** Bucket whose reachability is checked. */
  bucket: string;
  /** Your own S3Client; otherwise one is built from the fields below. */
  client?: S3ClientLike;
  /** @default 'us-east-1' */
  region?: string;
  /** Custom endpoint (MinIO, LocalStack). @default undefined (AWS) */
  endpoint?: string;
  /** Path-style addressing (needed by most S3-compatible servers). @default false */
  forcePathStyle?: boolean;
  /** Static credentials; otherwise the AWS default chain. Never shown or logged. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** Application check: your own callback, with the same timeout rules as the others. */
export interface ApplicationHealthOptions {
  check: ApplicationCheck;
}

/** Health probes and indicators (`GET /api/health/`, `/health/ready`, `/health/live`). */
export interface HealthOptions {
  /** Serve the probe endpoints. Indicators stay injectable either way. @default true */
  enabled?: boolean;
  /** Endpoint paths. */
  paths?: HealthPathsOptions;
  /** Longest one check may take before it is `down` with "timeout after N ms". @default 2000 */
  timeoutMs?: number;
  /** Longest a probe endpoint takes to answer, whatever its checks do (≥ timeoutMs). @default 3000 */
  deadlineMs?: number;
  /** Reuse a check's result for this long (0: off). Concurrent probes always share one run. @default 0 */
  cacheTtlMs?: number;
  /**
   * Re-run every configured check in the background this often, so
   * `prs_health_check_status` has a series for each check from the first scrape on, even
   * when nothing calls a health endpoint. The first round runs at bootstrap (boot waits
   * for it, at most `deadlineMs`); a round never starts while one is running; each check
   * keeps its `timeoutMs`; the timer never holds the process open and stops at shutdown.
   * `0` turns it off (the metric then follows probe calls only).
   * @default 15000
   */
  refreshIntervalMs?: number;
  /** Who sees details. @default 'when-authorized' */
  details?: HealthDetailsPolicy;
  /** Bearer token that authorizes details (compared in constant time). @default undefined */
  token?: string;
  /**
   * After a shutdown signal, readiness answers 503 for this long before Nest closes the
   * server (needs `app.enableShutdownHooks()`). Use 5000–10000 behind Kubernetes or a load
   * balancer so traffic drains; 0 closes at once (dev, tests).
   * @default 0
   */
  drainDelayMs?: number;
  /**
   * After the drain delay, how long requests still running may take to finish. Until then
   * responses carry `Connection: close` and idle keep-alive connections are closed; at the
   * bound the connections left are destroyed and the server closes. Keep
   * `drainDelayMs + shutdownTimeoutMs` (plus the telemetry flush) inside your
   * orchestrator's grace period (Kubernetes: 30 s).
   * @default 10000
   */
  shutdownTimeoutMs?: number;
  /** `version` field of the full report. @default 'unknown' */
  version?: string;
  /** Postgres check (`database`); off when absent. */
  postgres?: PostgresHealthOptions;
  /** Redis check (`cache`); off when absent. */
  redis?: RedisHealthOptions;
  /** Disk check (`disk`); `false` turns it off. @default { path: '/', minFreePercent: 10 } */
  disk?: DiskHealthOptions | false;
  /** SMTP check (`external_services.services.email`); off when absent. */
  smtp?: SmtpHealthOptions;
  /** S3 check (`external_services.services.s3`); off when absent. */
  s3?: S3HealthOptions;
  /** Application check (`application`); reports the process as up when absent. */
  application?: ApplicationHealthOptions;
}

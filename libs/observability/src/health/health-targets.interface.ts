/**
 * Structural views of the clients the health checks use, so the library depends on
 * no particular version of `pg`, `ioredis`, `nodemailer` or `@aws-sdk/client-s3`.
 */

/** A checked-out `pg` client (`PoolClient`). */
export interface PgPoolClientLike {
  query(config: {
    text: string;
    values?: unknown[];
  }): Promise<{ rows: unknown[] }>;
  release(destroy?: boolean | Error): void;
}

/** What the Postgres check needs from a `pg` `Pool`. */
export interface PgPoolLike {
  connect(): Promise<PgPoolClientLike>;
}

/** What the Redis check needs from an ioredis client (`Redis` or `Cluster`). */
export interface RedisClientLike {
  /** ioredis connection status; only `ready` is queried. */
  readonly status: string;
  set(
    key: string,
    value: string,
    secondsToken: 'EX',
    seconds: number,
  ): Promise<unknown>;
  get(key: string): Promise<string | null>;
  info(): Promise<string>;
}

/** A nodemailer transporter (only `verify()` is used: connect, EHLO, AUTH when configured). */
export interface SmtpTransporterLike {
  verify(): Promise<unknown>;
  close?(): void;
}

/** An `S3Client` from `@aws-sdk/client-s3` (only `send(HeadBucketCommand)` is used). */
export interface S3ClientLike {
  send(
    command: never,
    options?: { abortSignal?: AbortSignal },
  ): Promise<unknown>;
}

/**
 * The application check: resolve with extra fields for the report (e.g. `{ user_count: 42 }`),
 * throw (or reject) to report `down`. The signal aborts when the check times out.
 */
export type ApplicationCheck = (
  signal: AbortSignal,
) => Promise<Record<string, unknown> | void> | Record<string, unknown> | void;

import type { HealthDetailsPolicy } from './health-options.interface';
import type {
  ApplicationCheck,
  PgPoolLike,
  RedisClientLike,
  S3ClientLike,
  SmtpTransporterLike,
} from './health-targets.interface';

/** Health options after validation, with every default applied. */
export interface ResolvedHealthOptions {
  enabled: boolean;
  paths: { full: string; ready: string; live: string };
  timeoutMs: number;
  deadlineMs: number;
  cacheTtlMs: number;
  refreshIntervalMs: number;
  details: HealthDetailsPolicy;
  token: string | undefined;
  drainDelayMs: number;
  shutdownTimeoutMs: number;
  version: string;
  postgres:
    | {
        pool: PgPoolLike | undefined;
        connectionString: string | undefined;
        responseTimeThresholdMs: number;
        slowQuerySeconds: number;
        maxSlowQueries: number;
      }
    | undefined;
  redis:
    | {
        client: RedisClientLike;
        keyPrefix: string;
        keyTtlSeconds: number;
        responseTimeThresholdMs: number;
      }
    | undefined;
  disk:
    | { path: string; logPath: string | undefined; minFreePercent: number }
    | undefined;
  smtp:
    | {
        transporter: SmtpTransporterLike | undefined;
        host: string | undefined;
        port: number;
        secure: boolean;
        auth: { user: string; pass: string } | undefined;
      }
    | undefined;
  s3:
    | {
        bucket: string;
        client: S3ClientLike | undefined;
        region: string;
        endpoint: string | undefined;
        forcePathStyle: boolean;
        credentials:
          { accessKeyId: string; secretAccessKey: string } | undefined;
      }
    | undefined;
  application: ApplicationCheck | undefined;
}

/** What the health capability is given: its options, and other secrets its bodies must hide. */
export interface HealthConfig extends ResolvedHealthOptions {
  /** Credentials of other capabilities (the `/metrics` token or password). */
  readonly otherSecrets: readonly string[];
}

/** The dependency checks of the resolved options. */
export type HealthTargets = Pick<
  ResolvedHealthOptions,
  'postgres' | 'redis' | 'disk' | 'smtp' | 's3' | 'application'
>;

import { randomBytes } from 'node:crypto';

/** Where the demo finds its dependencies, read once from the environment. */
export interface DemoConfig {
  /** `DATABASE_URL`; unreachable → embedded Postgres (PGlite). */
  databaseUrl: string;
  /** `REDIS_URL`; `off` runs without a cache. */
  redisUrl: string | undefined;
  /** `DEMO_TOKEN_SECRET`; a random per-process value when unset. */
  tokenSecret: string;
  /** `HEALTH_TOKEN`: when set, health details need `Authorization: Bearer <it>`. */
  healthToken: string | undefined;
  /** `SMTP_HOST` / `SMTP_PORT`: the SMTP health check, off when unset. */
  smtp: { host: string; port: number } | undefined;
  /** `S3_BUCKET` (+ `S3_ENDPOINT`, `S3_REGION`): the S3 health check, off when unset. */
  s3: { bucket: string; endpoint?: string; region: string } | undefined;
  /**
   * `PRS_ACTIVE_USERS_SOURCE`: `memory` (default) counts this process's users, `redis`
   * counts every replica's in Redis (needs Redis); `PRS_ACTIVE_USERS_KEY_PREFIX` sets its keys.
   */
  activeUsers: { source: 'memory' | 'redis'; keyPrefix: string | undefined };
  /** `HEALTH_DRAIN_DELAY_MS`: `health.drainDelayMs` (the SDK's default, 0, when unset). */
  drainDelayMs: number | undefined;
}

export const DEMO_CONFIG = 'DEMO:CONFIG';
export const DEFAULT_DATABASE_URL =
  'postgres://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** Reads the demo's configuration; every value has a default that works on a laptop. */
export function readDemoConfig(
  env: NodeJS.ProcessEnv = process.env,
): DemoConfig {
  const redis = nonEmpty(env.REDIS_URL) ?? DEFAULT_REDIS_URL;
  const smtpHost = nonEmpty(env.SMTP_HOST);
  const bucket = nonEmpty(env.S3_BUCKET);
  const endpoint = nonEmpty(env.S3_ENDPOINT);
  const source = (
    nonEmpty(env.PRS_ACTIVE_USERS_SOURCE) ?? 'memory'
  ).toLowerCase();
  if (source !== 'memory' && source !== 'redis')
    throw new Error(
      `PRS_ACTIVE_USERS_SOURCE must be memory or redis (got ${JSON.stringify(source)})`,
    );
  if (source === 'redis' && redis.toLowerCase() === 'off')
    throw new Error(
      'PRS_ACTIVE_USERS_SOURCE=redis needs Redis, but REDIS_URL=off',
    );
  return {
    databaseUrl: nonEmpty(env.DATABASE_URL) ?? DEFAULT_DATABASE_URL,
    redisUrl: redis.toLowerCase() === 'off' ? undefined : redis,
    tokenSecret:
      nonEmpty(env.DEMO_TOKEN_SECRET) ?? randomBytes(32).toString('hex'),
    healthToken: nonEmpty(env.HEALTH_TOKEN),
    smtp: smtpHost
      ? { host: smtpHost, port: Number(env.SMTP_PORT ?? 587) }
      : undefined,
    s3: bucket
      ? {
          bucket,
          region: nonEmpty(env.S3_REGION) ?? 'us-east-1',
          ...(endpoint ? { endpoint } : {}),
        }
      : undefined,
    activeUsers: {
      source,
      keyPrefix: nonEmpty(env.PRS_ACTIVE_USERS_KEY_PREFIX),
    },
    drainDelayMs:
      nonEmpty(env.HEALTH_DRAIN_DELAY_MS) === undefined
        ? undefined
        : Number(env.HEALTH_DRAIN_DELAY_MS),
  };
}

/**
 * A URL fit for a log line. A password becomes `***`; on an HTTP(S) endpoint (OTLP, Jaeger)
 * the whole userinfo does, since a bare user name there is a credential too
 * (`https://<token>@host`), while a database or Redis user name is a role and stays.
 */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const http = parsed.protocol === 'http:' || parsed.protocol === 'https:';
    if (http && (parsed.username || parsed.password)) {
      parsed.username = '***';
      parsed.password = '';
    } else if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

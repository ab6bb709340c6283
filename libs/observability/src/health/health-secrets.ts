import type { HealthConfig } from './resolved-health-options';
import { passwordOf } from './secret-redactor';

/**
 * Every credential the options hold or point at: connection strings and their passwords,
 * the pool's and the Redis client's passwords, SMTP and S3 secrets, the health token and
 * the other capabilities' secrets (the metrics token). The redactor masks each wherever a driver echoes it.
 */
export function collectSecrets(health: HealthConfig): string[] {
  const secrets: (string | undefined)[] = [
    health.token,
    ...health.otherSecrets,
  ];
  const pg = health.postgres;
  if (pg) {
    secrets.push(pg.connectionString, passwordOf(pg.connectionString));
    const poolOptions = (
      pg.pool as
        | { options?: { password?: unknown; connectionString?: unknown } }
        | undefined
    )?.options;
    const poolUrl = stringOr(poolOptions?.connectionString);
    secrets.push(stringOr(poolOptions?.password), poolUrl, passwordOf(poolUrl));
  }
  // ioredis keeps the password in `options` (standalone, sentinel) or
  // `options.redisOptions` (cluster).
  const redisOptions = (
    health.redis?.client as
      | {
          options?: {
            password?: unknown;
            redisOptions?: { password?: unknown };
          };
        }
      | undefined
  )?.options;
  secrets.push(
    stringOr(redisOptions?.password),
    stringOr(redisOptions?.redisOptions?.password),
  );
  secrets.push(
    health.smtp?.auth?.pass,
    health.s3?.credentials?.secretAccessKey,
  );
  return secrets.filter((s): s is string => typeof s === 'string' && s !== '');
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

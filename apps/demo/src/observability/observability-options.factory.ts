import { resolve } from 'node:path';
import {
  type HealthOptions,
  type ObservabilityModuleOptions,
  readSloFile,
} from '@prs/nestjs-observability';
import type Redis from 'ioredis';
import type { DemoConfig } from '../config/demo-config';
import type { Database } from '../database/database.service';

/** The PRS guide's four business events, declared up front (they are label values). */
export const EVENT_TYPES = [
  'user_login',
  'deal_creation',
  'payment_processing',
  'commission_calculation',
];

/**
 * The demo's service level objectives (apps/demo/slos.yaml, from dist/apps/demo/observability/):
 * validated at startup, and the source of deploy/'s SLO rules (`npm run slo:rules`).
 */
export const DEMO_SLO_FILE = resolve(
  __dirname,
  '../../../../apps/demo/slos.yaml',
);

/**
 * `ObservabilityModule.forRootAsync()` options from the app's own clients: the health
 * checks reuse the app's pg Pool and ioredis client (no extra connections).
 */
export function observabilityOptions(
  config: DemoConfig,
  db: Database,
  redis: Redis | undefined,
): ObservabilityModuleOptions {
  const health: HealthOptions = {
    // Details (response times, masked errors) for everyone, unless a token guards them:
    // the demo listens on loopback by default.
    details: config.healthToken ? 'when-authorized' : 'always',
    token: config.healthToken,
    // Kubernetes: readiness 503 this long after SIGTERM (deploy/kubernetes/README.md).
    // A bad value fails at startup with the SDK's ObservabilityConfigError.
    ...(config.drainDelayMs !== undefined
      ? { drainDelayMs: config.drainDelayMs }
      : {}),
    version: process.env.npm_package_version ?? 'dev',
    postgres: { pool: db.pool },
    redis: redis ? { client: redis } : undefined,
    disk: { path: '/', minFreePercent: 10 },
    smtp: config.smtp,
    s3: config.s3 && {
      bucket: config.s3.bucket,
      region: config.s3.region,
      ...(config.s3.endpoint
        ? { endpoint: config.s3.endpoint, forcePathStyle: true }
        : {}),
    },
    // The full report's `application` entry: a figure only the app knows.
    application: {
      check: async () => {
        const [row] = await db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM prs_demo.deals',
        );
        return { deal_count: row?.n ?? 0 };
      },
    },
  };
  // PRS_ACTIVE_USERS_SOURCE=redis: replicas share one count (docs/fleet.md).
  const activeUsers =
    config.activeUsers.source === 'redis' && redis
      ? {
          redis: {
            client: redis,
            ...(config.activeUsers.keyPrefix
              ? { keyPrefix: config.activeUsers.keyPrefix }
              : {}),
          },
        }
      : undefined;
  return {
    businessEvents: { eventTypes: EVENT_TYPES },
    health,
    ...(activeUsers ? { activeUsers } : {}),
    slo: readSloFile(DEMO_SLO_FILE),
  };
}

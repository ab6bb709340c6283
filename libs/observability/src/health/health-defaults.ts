/** Defaults of the `health` options (part of `DEFAULT_OPTIONS`); docs/health.md mirrors them. */
export const DEFAULT_HEALTH_OPTIONS = {
  enabled: true,
  paths: { full: '/api/health', ready: '/health/ready', live: '/health/live' },
  timeoutMs: 2000,
  deadlineMs: 3000,
  cacheTtlMs: 0,
  refreshIntervalMs: 15_000,
  details: 'when-authorized',
  drainDelayMs: 0,
  shutdownTimeoutMs: 10_000,
  version: 'unknown',
  postgres: {
    responseTimeThresholdMs: 1000,
    slowQuerySeconds: 30,
    maxSlowQueries: 5,
  },
  redis: {
    keyPrefix: 'prs:health:',
    keyTtlSeconds: 30,
    responseTimeThresholdMs: 100,
  },
  disk: { path: '/', minFreePercent: 10 },
  smtp: { port: 587 },
  s3: { region: 'us-east-1', forcePathStyle: false },
} as const;

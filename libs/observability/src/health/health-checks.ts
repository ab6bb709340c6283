import type { CheckSpec } from './check-outcome';

/** The checks the module runs: report key, `check` metric label and failure wording. */
export const HEALTH_CHECKS = {
  database: { name: 'database', failedDetails: 'Database connectivity failed' },
  cache: { name: 'cache', failedDetails: 'Cache connectivity failed' },
  disk: { name: 'disk', failedDetails: 'Could not check disk space' },
  email: { name: 'email', failedDetails: 'Email service unreachable' },
  s3: { name: 's3', failedDetails: 'Storage bucket unreachable' },
  application: {
    name: 'application',
    failedDetails: 'Application health check failed',
  },
} as const satisfies Record<string, CheckSpec>;

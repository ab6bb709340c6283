import type { CheckSpec, ProbeTarget } from './check-outcome';
import { ApplicationProbe } from './probes/application.probe';
import { DiskProbe } from './probes/disk.probe';
import { PostgresProbe } from './probes/postgres.probe';
import { RedisProbe } from './probes/redis.probe';
import { S3Probe } from './probes/s3.probe';
import { SmtpProbe } from './probes/smtp.probe';
import type { HealthConfig } from './resolved-health-options';

/** One check an indicator runs: its spec, its option and how its probe is built. */
export interface IndicatorSpec extends CheckSpec {
  /** The `health.<option>` that configures it. */
  option: string;
  /** Its probe, or `undefined` when the option is absent (the check is then `down`). */
  probe(options: HealthConfig): ProbeTarget | undefined;
}

/**
 * The checks the module runs: report key (and `check` metric label), configuring
 * option, failure wording, and the probe built from the options.
 */
export const HEALTH_CHECKS = {
  database: {
    name: 'database',
    option: 'postgres',
    failedDetails: 'Database connectivity failed',
    probe: ({ postgres, timeoutMs }) =>
      postgres && new PostgresProbe(postgres, timeoutMs),
  },
  cache: {
    name: 'cache',
    option: 'redis',
    failedDetails: 'Cache connectivity failed',
    probe: ({ redis }) => redis && new RedisProbe(redis),
  },
  disk: {
    name: 'disk',
    option: 'disk',
    failedDetails: 'Could not check disk space',
    probe: ({ disk }) => disk && new DiskProbe(disk),
  },
  email: {
    name: 'email',
    option: 'smtp',
    failedDetails: 'Email service unreachable',
    probe: ({ smtp, timeoutMs }) => smtp && new SmtpProbe(smtp, timeoutMs),
  },
  s3: {
    name: 's3',
    option: 's3',
    failedDetails: 'Storage bucket unreachable',
    probe: ({ s3, timeoutMs }) => s3 && new S3Probe(s3, timeoutMs),
  },
  application: {
    name: 'application',
    option: 'application',
    failedDetails: 'Application health check failed',
    probe: ({ application }) => new ApplicationProbe(application),
  },
} as const satisfies Record<string, IndicatorSpec>;

import { dirname, resolve } from 'node:path';
import type { Provider } from '@nestjs/common';
import { ACTIVE_USERS_OPTIONS } from '../active-users/active-users.constants';
import { BUSINESS_EVENTS_OPTIONS } from '../business-events/business-event.constants';
import { HEALTH_OPTIONS } from '../health/health.constants';
import type { HealthConfig } from '../health/resolved-health-options';
import type { LoggingConfig } from '../logging/logging-options.interface';
import { LOGGING_OPTIONS } from '../logging/logging.constants';
import type { MetricsConfig } from '../metrics/metrics-options.interface';
import { METRICS_OPTIONS } from '../metrics/metrics.constants';
import { SLO_OPTIONS } from '../slo/slo.constants';
import { OBSERVABILITY_OPTIONS } from './options.constants';
import type { ResolvedObservabilityOptions } from './resolved-options';

const slice = <T>(
  token: string,
  select: (options: ResolvedObservabilityOptions) => T,
): Provider => ({
  provide: token,
  useFactory: select,
  inject: [OBSERVABILITY_OPTIONS],
});

/**
 * Each capability's own options, cut from the validated whole: a capability injects
 * its slice and never the whole options object. What two capabilities share (the
 * excluded paths, the trace UI, the metrics credentials health must hide, the log
 * directory the disk check measures) is copied
 * into the slices that need it here, in one place.
 */
export const OPTION_SLICE_PROVIDERS: Provider[] = [
  slice(METRICS_OPTIONS, (o): MetricsConfig => ({
    ...o.metrics,
    http: o.http,
  })),
  slice(HEALTH_OPTIONS, (o): HealthConfig => ({
    ...o.health,
    disk: diskOf(o),
    otherSecrets: secretsOf(o),
  })),
  slice(LOGGING_OPTIONS, (o): LoggingConfig => ({
    ...o.logging,
    notLogged: o.http.excludePaths,
    traceUiUrl: o.tracing.uiUrl,
  })),
  slice(BUSINESS_EVENTS_OPTIONS, (o) => o.businessEvents),
  slice(ACTIVE_USERS_OPTIONS, (o) => o.activeUsers),
  slice(SLO_OPTIONS, (o) => o.slo),
];

/** The disk check measures the log file's directory by default when logging to a file. */
function diskOf({
  health,
  logging,
}: ResolvedObservabilityOptions): HealthConfig['disk'] {
  const disk = health.disk;
  const main = logging.files.main;
  if (disk === undefined || disk.logPath !== undefined || main === undefined)
    return disk;
  return { ...disk, logPath: dirname(resolve(main.path)) };
}

function secretsOf({ metrics }: ResolvedObservabilityOptions): string[] {
  const auth = metrics.auth;
  if (auth === undefined) return [];
  return ['bearerToken' in auth ? auth.bearerToken : auth.password];
}

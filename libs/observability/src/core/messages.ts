import { README_URL } from './package-info';

/** Every user-facing error text lives here so wording stays consistent and tested. */
export const messages = {
  businessEventTelemetryFailed: (cause: string): string =>
    `Recording a business event failed (${cause}); the tracked call was not affected. ` +
    'Check the classify and attributes options of @TrackBusinessEvent() and BusinessEvents.track()',
  undeclaredBusinessEventType: (
    eventType: string,
    recordedAs: string,
    declared: readonly string[],
  ): string =>
    `Business event type ${JSON.stringify(eventType.slice(0, 64))} is not declared, so it is recorded as event_type="${recordedAs}". ` +
    `Add it to ObservabilityModule.forRoot({ businessEvents: { eventTypes } }) (declared: ${declared.join(', ')})`,
  activeUsersTouchFailed: (): string =>
    'Tracking an active user failed; the request was not affected. Check activeUsers.extractUserId',
  activeUsersSourceFailed: (
    reason: string,
    timeoutMs: number,
    what = 'activeUsers.source',
  ): string =>
    (reason === 'timeout'
      ? `${what} did not answer within ${timeoutMs} ms (activeUsers.sourceTimeoutMs)`
      : reason === 'invalid'
        ? `${what} answered something other than a finite number >= 0`
        : reason === 'saturated'
          ? `${what} is not called: earlier calls ignored their AbortSignal and are still pending`
          : `${what} failed`) +
    '; prs_active_users_total keeps reporting its last value',
  activeUsersRedisWriteFailed: (reason: string): string =>
    (reason === 'dropped'
      ? 'Active users are arriving faster than Redis takes them; some were not recorded'
      : reason === 'not-ready'
        ? 'Active users were not recorded in Redis: the client is not connected'
        : reason === 'timeout'
          ? 'Recording active users in Redis did not finish within activeUsers.sourceTimeoutMs'
          : 'Recording active users in Redis failed') +
    '; the request was not affected, prs_active_users_total may undercount until they return',
  unsupportedNode: (found: string, required: string): string =>
    `@prs/nestjs-observability needs Node.js >= ${required} (22.15 or later, 24, 26); ` +
    `this process runs Node.js ${found.replace(/^v/, '')}. ` +
    'OpenTelemetry JS 3.x, which the SDK is built on, does not run on older Node.js. ' +
    `Install a supported Node.js; see ${README_URL}#supported-runtimes`,
  sdkNotStarted: (): string =>
    'ObservabilityModule could not find a running observability SDK. ' +
    'The SDK must start before Nest, pg, ioredis and express/fastify are loaded, or their instrumentation is silently lost. ' +
    'Start the app with `node --import @prs/nestjs-observability/register dist/main.js` ' +
    '(or NODE_OPTIONS="--import @prs/nestjs-observability/register"), ' +
    'or call startObservability() from @prs/nestjs-observability/sdk in your entry file before importing the app. ' +
    `See ${README_URL}#bootstrap`,
  metricsPortInUse: (host: string, port: number, reason: string): string =>
    `ObservabilityModule could not listen for /metrics on ${host}:${port} (${reason}). ` +
    'Choose a free port in metrics.port, or remove it to serve /metrics on the application port.',
  collectFailed: (): string =>
    'Collecting metrics for /metrics failed; the scrape was answered with 500',
  moduleLoadedTooEarly: (module: string): string =>
    `${module} was loaded before the observability SDK started, so it is not instrumented: no spans and no metrics for it. ` +
    'Start the app with `node --import @prs/nestjs-observability/register dist/main.js`, or call startObservability() ' +
    `before anything imports ${module}. See ${README_URL}#bootstrap`,
  jaegerExporterMissing: (): string =>
    '"jaeger" needs the optional peer @opentelemetry/exporter-jaeger: npm install @opentelemetry/exporter-jaeger, ' +
    'and add npm "overrides" so it uses your @opentelemetry/core and @opentelemetry/sdk-trace (see README#jaeger), or use "otlp" (Jaeger accepts OTLP natively)',
  sdkDisabled: (): string =>
    'OpenTelemetry SDK is disabled (OTEL_SDK_DISABLED=true or startObservability({ disabled: true })): ' +
    'ObservabilityModule installs no metrics endpoint and records nothing',
  metricNameInvalid: (name: string): string =>
    `Metric "${name}" has no valid Prometheus name; it is left out of /metrics`,
  metricTypeConflict: (name: string, first: string, second: string): string =>
    `Metric "${name}" is both a ${first} and a ${second}; it is left out of /metrics`,
  metricsNotPulled: (exporters: readonly string[]): string =>
    exporters.length === 0
      ? 'Metrics are off (OTEL_METRICS_EXPORTER=none): no /metrics endpoint, nothing recorded'
      : `Metrics are pushed (${exporters.join(', ')}), not served: add "prometheus" to OTEL_METRICS_EXPORTER ` +
        '(or metrics.exporters) to serve /metrics as well',
  healthCheckSlow: (check: string, reason: string): string =>
    `Health check "${check}" is slow: ${reason} (readiness stays up; the full report says slow)`,
  healthClosingConnections: (boundMs: number): string =>
    `Shutting down: keep-alive stopped and idle connections closed; requests still running get ${boundMs} ms (health.shutdownTimeoutMs)`,
  healthCheckDown: (check: string, reason: string): string =>
    `Health check "${check}" is down: ${reason}`,
  healthCheckTimeout: (ms: number): string => `timeout after ${ms} ms`,
  healthCheckNotConfigured: (option: string): string =>
    `not configured: set health.${option} in the ObservabilityModule options`,
  healthPeerMissing: (peer: string): string =>
    `optional peer dependency "${peer}" is not installed (npm install ${peer})`,
  healthDraining: (ms: number): string =>
    `Shutting down: readiness answers 503 for ${ms} ms (health.drainDelayMs) while in-flight requests finish`,
  logLinesDropped: (destination: string, reason: string): string =>
    `Log lines for "${destination}" are being dropped (${reason}); the app is not affected. ` +
    'Check that the destination is writable (disk space, a closed stdout pipe) and see prs_log_records_dropped_total',
  logRotationFailed: (): string =>
    'Rotating a log file failed; logging continues into the current file. Check the permissions of its directory',
  requestContextFailed: (): string =>
    'Setting up the request context (correlation id) failed; the request was served without it',
  observerFailed: (label: string): string =>
    `${label} failed; the request was not affected`,
  routeLookupFailed: (): string =>
    'Looking up the route template failed; the request was recorded as unmatched',
  spanExportFailed: (
    destination: string,
    kind: string,
    spans: number,
  ): string =>
    `Exporting spans to ${destination} failed (${kind}); ${spans} spans were dropped (requests are not affected)`,
  metricExportFailed: (destination: string, kind: string): string =>
    `Exporting metrics to ${destination} failed (${kind}; requests are not affected)`,
  warningsOverflow: (skipped: number, max: number): string =>
    `more than ${max} distinct causes within a minute: ` +
    (skipped === 0
      ? 'further ones are summed up in one line a minute'
      : `${skipped} more warnings were left unnamed since the last such line`),
  requestLogFailed: (): string =>
    'Writing the request log line failed; the request was not affected',
  clusterMessageFailed: (): string =>
    'Handling a cluster metrics message failed; it was ignored',
  clusterSnapshotFailed: (): string =>
    "Sending this worker's metrics to the cluster primary failed; the primary keeps its last snapshot",
  clusterWorkerMissing: (
    id: number,
    pid: number | undefined,
    timeoutMs: number,
  ): string =>
    `Cluster worker ${id} (pid ${pid ?? 'unknown'}) did not answer a metrics collection within ${timeoutMs} ms; ` +
    'its last snapshot was served (see prs_cluster_worker_up)',
  pm2InstanceMissing: (label: string, pid: number, timeoutMs: number): string =>
    `PM2 instance ${label} (pid ${pid}) did not answer a metrics collection within ${timeoutMs} ms; ` +
    'its last snapshot was served (see prs_cluster_worker_up)',
  pm2GroupFailed: (dir: string): string =>
    `Joining the PM2 metrics group in ${dir} failed; this instance's /metrics answers 500 ` +
    '(check that the directory is writable, see docs/cluster.md#pm2)',
  pm2RetireFailed: (): string =>
    "Folding exited PM2 instances' counts into the group's retired totals failed; their last snapshots were served",
  pm2SnapshotFailed: (): string =>
    "Writing this PM2 instance's metrics snapshot failed; its peers serve its previous one",
} as const;

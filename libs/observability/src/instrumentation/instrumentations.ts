import {
  createNoopMeter,
  type MeterProvider,
  type Span,
} from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import {
  ExpressInstrumentation,
  ExpressLayerType,
} from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { IORedisMetricsInstrumentation } from './ioredis/ioredis-metrics.instrumentation';
import { PgQueryMetricsInstrumentation } from './pg/pg-query-metrics.instrumentation';
import { sanitizeSql } from './pg/sql-statement';
import { propagateCorrelationId } from './outbound-correlation';
import type { RunningSdk } from '../sdk/running-sdk';

const NOOP_METER_PROVIDER: MeterProvider = {
  getMeter: () => createNoopMeter(),
};

const STATEMENT_ATTRIBUTES = ['db.query.text', 'db.statement'] as const;

/** Builds the enabled auto-instrumentations with the SDK's safe defaults. */
export function createInstrumentations(
  sdk: Pick<RunningSdk, 'options' | 'queries' | 'cacheCommands'>,
): Instrumentation[] {
  const { instrumentations: enabled, traces } = sdk.options;
  // Without a span exporter the express, pg and ioredis tracing instrumentations would
  // only cost time (metrics come from the module and from our own pg/ioredis patches).
  // The http one keeps only its outgoing side: client spans, and the correlation id on
  // outbound calls. Server spans come from ObservabilityModule's HTTP hook (server-spans.ts).
  const tracing = traces.exporter !== 'none';
  const list: Instrumentation[] = [];
  if (enabled.http) {
    list.push(
      new HttpInstrumentation({
        disableIncomingRequestInstrumentation: true,
        // Outgoing calls carry the current request's X-Correlation-ID (docs/logging.md).
        requestHook: propagateCorrelationId,
      }),
    );
  }
  if (enabled.express && tracing) {
    // Opt-in: a span per Express middleware and router layer. The route handler's span
    // is the Nest handler span (ours), so request-handler layers are left out.
    list.push(
      new ExpressInstrumentation({
        ignoreLayersType: [ExpressLayerType.REQUEST_HANDLER],
      }),
    );
  }
  if (enabled.pg) {
    // Parameter values never leave the process (they carry e-mails, amounts, tokens),
    // and literals in the statement text are replaced by `?` unless raw statements are asked for.
    if (tracing) {
      list.push(
        new PgInstrumentation({
          enhancedDatabaseReporting: false,
          requestHook: traces.rawStatements ? undefined : sanitizeStatement,
        }),
      );
    }
    list.push(
      new PgQueryMetricsInstrumentation((record) => sdk.queries.record(record)),
    );
  }
  if (enabled.ioredis) {
    // The default statement serializer keeps the command and key and drops values.
    if (tracing) list.push(new IORedisInstrumentation());
    list.push(
      new IORedisMetricsInstrumentation((record) =>
        sdk.cacheCommands.record(record),
      ),
    );
  }
  return list;
}

/**
 * Takes the meter away from the instrumentations (ours record through their hubs, not
 * a meter). Their semconv metrics duplicate the prs_* contract at several times its
 * cardinality, and a view that drops them still hashes every data point's attributes on
 * the request path; a no-op meter costs nothing. Call after `NodeSDK.start()`, which
 * hands them the SDK's meter provider.
 */
export function silenceInstrumentationMetrics(
  instrumentations: readonly Instrumentation[],
): void {
  for (const instrumentation of instrumentations)
    instrumentation.setMeterProvider(NOOP_METER_PROVIDER);
}

function sanitizeStatement(
  span: Span,
  info: { query: { text: string } },
): void {
  const attributes = (span as Span & { attributes?: Record<string, unknown> })
    .attributes;
  const sanitized = sanitizeSql(info.query.text);
  for (const key of STATEMENT_ATTRIBUTES) {
    // Overwrite only what the instrumentation set (its semconv mode decides which key).
    if (attributes?.[key] !== undefined) span.setAttribute(key, sanitized);
  }
}

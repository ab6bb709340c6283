import type { Instrumentation } from '@opentelemetry/instrumentation';
import {
  ExpressInstrumentation,
  ExpressLayerType,
} from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import type { InstrumentationName } from './sdk-options';

/** Meter names (instrumentation scopes) of the auto-instrumentations we enable. */
export const INSTRUMENTATION_SCOPES: readonly string[] = [
  '@opentelemetry/instrumentation-http',
  '@opentelemetry/instrumentation-express',
  '@opentelemetry/instrumentation-pg',
  '@opentelemetry/instrumentation-ioredis',
];

/** Builds the enabled auto-instrumentations with the SDK's safe defaults. */
export function createInstrumentations(
  enabled: Record<InstrumentationName, boolean>,
): Instrumentation[] {
  const list: Instrumentation[] = [];
  if (enabled.http) list.push(new HttpInstrumentation());
  if (enabled.express) {
    // Middleware and router layers triple the span count per request for little insight.
    list.push(
      new ExpressInstrumentation({
        ignoreLayersType: [
          ExpressLayerType.MIDDLEWARE,
          ExpressLayerType.ROUTER,
        ],
      }),
    );
  }
  // Parameter values never leave the process (they carry e-mails, amounts, tokens).
  if (enabled.pg)
    list.push(new PgInstrumentation({ enhancedDatabaseReporting: false }));
  if (enabled.ioredis) list.push(new IORedisInstrumentation());
  return list;
}

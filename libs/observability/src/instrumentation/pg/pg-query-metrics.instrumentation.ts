import { performance } from 'node:perf_hooks';
import { trace } from '@opentelemetry/api';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
} from '@opentelemetry/instrumentation';
import { isHealthProbe } from '../../core/health-probe-context';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../../core/package-info';
import type { QueryRecord } from '../../sdk/running-sdk';
import { chainPatch, chainUnpatch } from '../chain-patch';
import { classifySql } from './sql-statement';

const proto = (pg: PgModule) =>
  pg.Client.prototype as unknown as Record<string, unknown>;

type QueryFn = (this: unknown, ...args: unknown[]) => unknown;
interface PgModule {
  Client: { prototype: { query: QueryFn } };
}

/**
 * Times and classifies every `pg` query (pool and client, inside and outside
 * requests) for `prs_database_queries_total` and `prs_database_query_duration_seconds`.
 * Patches `Client.prototype.query` at load time, like the tracing instrumentation,
 * so it must start in the preload too. Failed queries are reported with operation `error`.
 * The health checks' own queries are not counted (they are not the app's traffic).
 */
export class PgQueryMetricsInstrumentation extends InstrumentationBase {
  constructor(private readonly onQuery: (record: QueryRecord) => void) {
    super(`${PACKAGE_NAME}/pg-query-metrics`, PACKAGE_VERSION, {});
  }

  protected init() {
    return [
      new InstrumentationNodeModuleDefinition(
        'pg',
        ['>=8.0.3 <9'],
        (exports: PgModule & { default?: PgModule }) => {
          const pg = exports.Client ? exports : (exports.default ?? exports);
          chainPatch<QueryFn>(proto(pg), 'query', (original) =>
            this.wrapQuery(original),
          );
          return exports;
        },
        (exports: PgModule & { default?: PgModule }) => {
          const pg = exports.Client ? exports : (exports.default ?? exports);
          chainUnpatch(proto(pg), 'query');
        },
      ),
    ];
  }

  private wrapQuery(original: QueryFn): QueryFn {
    const onQuery = this.onQuery;
    return function query(this: unknown, ...args: unknown[]): unknown {
      if (isHealthProbe()) return original.apply(this, args);
      const start = performance.now();
      // The span that issued the query (OpenTelemetry's pg span is its child and is not
      // active here): its trace holds the query, so its ids make the duration's exemplar.
      const span = trace.getActiveSpan()?.spanContext();
      const first = args[0] as
        string | { text?: unknown; submit?: unknown } | undefined;
      const text =
        typeof first === 'string'
          ? first
          : typeof first?.text === 'string'
            ? first.text
            : '';
      let reported = false;
      const done = (failed: boolean) => {
        if (reported) return;
        reported = true;
        try {
          const { operation, table } = classifySql(text);
          onQuery({
            operation: failed ? 'error' : operation,
            table,
            seconds: (performance.now() - start) / 1000,
            span,
          });
        } catch {
          // Metrics must never change what the query does.
        }
      };
      const last = args.length > 0 ? args[args.length - 1] : undefined;
      if (typeof last === 'function') {
        const callback = last as (
          error: unknown,
          ...rest: unknown[]
        ) => unknown;
        args[args.length - 1] = function (
          this: unknown,
          error: unknown,
          ...rest: unknown[]
        ) {
          done(error != null);
          return callback.call(this, error, ...rest);
        };
        return original.apply(this, args);
      }
      const result = original.apply(this, args) as
        { then?: unknown; on?: unknown } | undefined;
      if (result && typeof result.then === 'function') {
        (result as Promise<unknown>).then(
          () => done(false),
          () => done(true),
        );
      } else if (result && typeof result.on === 'function') {
        // A Submittable (cursor, stream): it reports through events.
        const emitter = result as { on(event: string, fn: () => void): void };
        emitter.on('end', () => done(false));
        emitter.on('error', () => done(true));
      }
      return result;
    };
  }
}

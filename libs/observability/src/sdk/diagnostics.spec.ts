import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPExporterError } from '@opentelemetry/otlp-exporter-base';
import { CorrelationId } from '../core/request-context';
import {
  deliveredDespiteError,
  DiagnosticReporter,
  exportFailureKind,
} from './diagnostics';

const withCode = (code: string) =>
  Object.assign(new Error(`connect ${code} 127.0.0.1:4318`), { code });

describe('exportFailureKind', () => {
  it.each([
    [withCode('ECONNREFUSED'), 'connection refused'],
    [withCode('ECONNRESET'), 'connection reset'],
    [withCode('ENOTFOUND'), 'DNS lookup failed'],
    [withCode('EAI_AGAIN'), 'DNS lookup failed'],
    [new Error('Request timed out'), 'timeout'],
    [new OTLPExporterError('Unauthorized', 401, 'nope'), 'HTTP 4xx (401)'],
    [new OTLPExporterError('Bad Request', 400), 'HTTP 4xx (400)'],
    [new OTLPExporterError('Internal Server Error', 500), 'HTTP 5xx (500)'],
    [
      new OTLPExporterError('Export failed with retryable status'),
      'retryable HTTP status',
    ],
    [new Error('Concurrent export limit reached'), 'concurrent export limit'],
    [new Error('something else'), 'other'],
    ['not an error', 'other'],
  ])('%p is %j', (error, kind) => {
    expect(exportFailureKind(error)).toBe(kind);
  });

  it('a response body beyond the 4 MB read limit was delivered, nothing else was', () => {
    expect(
      deliveredDespiteError(
        new Error(
          'OTLP export response body exceeded size limit of 4194304 bytes',
        ),
      ),
    ).toBe(true);
    expect(deliveredDespiteError(new Error('Request timed out'))).toBe(false);
    expect(deliveredDespiteError(undefined)).toBe(false);
  });
});

describe('DiagnosticReporter', () => {
  beforeAll(() => {
    context.setGlobalContextManager(
      new AsyncLocalStorageContextManager().enable(),
    );
  });
  afterAll(() => context.disable());

  it('warns once per cause per interval: 4 causes, 3 repeats each, give 4 lines', () => {
    const lines: string[] = [];
    const reporter = new DiagnosticReporter(60_000);
    reporter.setSink((line) => lines.push(line));
    for (let i = 0; i < 3; i++)
      for (const cause of ['refused', 'timeout', '4xx', '5xx'])
        reporter.warn(`trace-export:${cause}`, `failed (${cause})`);
    expect(lines).toEqual([
      'failed (refused)',
      'failed (timeout)',
      'failed (4xx)',
      'failed (5xx)',
    ]);
  });

  it('calls its sink outside the request context and the active span', () => {
    const seen: [string | undefined, boolean][] = [];
    const reporter = new DiagnosticReporter();
    reporter.setSink(() =>
      seen.push([CorrelationId.current(), trace.getActiveSpan() !== undefined]),
    );
    const span = trace.wrapSpanContext({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
    });
    CorrelationId.run('req-1', () =>
      context.with(trace.setSpan(ROOT_CONTEXT, span), () => {
        expect(CorrelationId.current()).toBe('req-1');
        reporter.warn('cause', 'message');
      }),
    );
    expect(seen).toEqual([[undefined, false]]);
  });
});

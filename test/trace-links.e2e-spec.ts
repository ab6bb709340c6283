import { ADAPTERS } from './support/fixture-process';
import {
  startLoggingFixture,
  type LoggingFixture,
} from './support/logging-fixture';

describe.each(ADAPTERS)('tracing.uiUrl on %s', (adapter) => {
  let app: LoggingFixture;
  beforeAll(async () => {
    app = await startLoggingFixture(
      adapter,
      { tracing: { uiUrl: 'http://jaeger.local:16686/' } },
      { traces: true },
    );
  });
  afterAll(() => app.stop());

  it('puts a direct Jaeger link on error lines, and only on them', async () => {
    const res = await fetch(app.url('/api/debug/crash?m=boom-for-link'));
    expect(res.status).toBe(500);
    const traceId = res.headers.get('x-trace-id') ?? '';
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const error = await app.waitFor(
      (l) => l.level === 'ERROR' && l.trace_id === traceId,
    );
    expect(error.trace_url).toBe(`http://jaeger.local:16686/trace/${traceId}`);
    await fetch(app.url('/api/debug/echo?m=just-a-warning'));
    const warning = await app.waitFor(
      (l) => l.level === 'WARNING' && l.message === 'just-a-warning',
    );
    expect(warning.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(warning.trace_url).toBeUndefined();
  });
});

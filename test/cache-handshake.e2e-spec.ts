import {
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
} from './support/trace-receivers';
import {
  ADAPTERS,
  startFixture,
  type RunningFixture,
} from './support/fixture-process';
import { clearFixtureCache, prepareFixtureTable } from './support/fixture-db';
import { parseSamples, scrape } from './support/exposition';

const OPERATIONS = 'prs_cache_operations_total';
const SERVER = 'GET /api/store/deals/:id';
const isRedis = (s: ReceivedSpan): boolean =>
  s.attributes['db.system'] === 'redis' ||
  s.attributes['db.system.name'] === 'redis';

// The fixture's ioredis client connects lazily, on the request's first command, with
// ioredis' defaults: its handshake (CLIENT SETINFO ×2, which Redis < 7.2 refuses, and
// the INFO ready check) runs inside that request.
describe.each(ADAPTERS)('the ioredis connection handshake on %s', (adapter) => {
  let receiver: OtlpReceiver;
  let app: RunningFixture;

  beforeAll(async () => {
    prepareFixtureTable();
    clearFixtureCache();
    receiver = await startOtlpReceiver();
    app = await startFixture({
      adapter,
      env: {
        FIXTURE_STORE: '1',
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url,
      },
    });
  });
  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
  });

  it('is not the app’s cache traffic: no series, no spans, only the app’s commands', async () => {
    const res = await fetch(app.url('/api/store/deals/1'));
    expect(res.status).toBe(200);
    const traceId = res.headers.get('x-trace-id') ?? '';

    const operations = parseSamples(await scrape(app.url('/metrics')))
      .filter((s) => s.name === OPERATIONS)
      .map((s) => `${s.labels.command}/${s.labels.status} ${s.value}`)
      .sort();
    expect(operations).toEqual(['get/success 1', 'set/success 1']);

    const spans = await receiver.waitForSpans(
      (all) => all.some((s) => s.traceId === traceId && s.name === SERVER),
      15_000,
    );
    // OpenTelemetry's own `connect` span stays: the request did pay for the connection.
    expect(
      spans
        .filter(isRedis)
        .map((s) => s.name)
        .sort(),
    ).toEqual(['connect', 'get', 'set']);
  });
});

import { connect } from 'node:net';
import {
  ADAPTERS,
  startFixture,
  type RunningFixture,
} from './support/fixture-process';
import { scrape, valueOf } from './support/exposition';
import {
  startOtlpReceiver,
  type OtlpReceiver,
} from './support/trace-receivers';

const REQUESTS = 'prs_http_requests_total';
const DURATION = 'prs_http_request_duration_seconds';

/**
 * Sends the head of a POST with `Content-Length: 1000` and the first bytes of its JSON
 * body, then destroys the socket once the server has had time to start reading it:
 * the request ends while the body parser is still waiting, before any route handler ran.
 */
function abortWhileSendingBody(port: number, path: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
        'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":"',
    );
    setTimeout(() => socket.destroy(), 300);
  });
}

/** Polls the scrape until `labels` has a value for `name` (or 10 s passed). */
async function awaitValue(
  app: RunningFixture,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = valueOf(await scrape(app.url('/metrics')), name, labels);
    if (value !== undefined || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(ADAPTERS)(
  'a request aborted during its body on %s',
  (adapter) => {
    let app: RunningFixture;
    let receiver: OtlpReceiver;

    beforeAll(async () => {
      receiver = await startOtlpReceiver();
      app = await startFixture({
        adapter,
        env: {
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url,
          OTEL_BSP_SCHEDULE_DELAY: '100',
        },
      });
    });
    afterAll(async () => {
      await app?.stop();
      await receiver?.close();
    });

    it('is counted as 499 on its route, not as unmatched', async () => {
      await abortWhileSendingBody(app.port, '/api/items');
      const labels = {
        method: 'POST',
        endpoint: '/api/items',
        status_code: '499',
      };
      expect(await awaitValue(app, REQUESTS, labels)).toBe(1);
      const text = await scrape(app.url('/metrics'));
      expect(
        valueOf(text, `${DURATION}_count`, {
          method: 'POST',
          endpoint: '/api/items',
        }),
      ).toBe(1);
      expect(
        valueOf(text, REQUESTS, { endpoint: 'unmatched' }),
      ).toBeUndefined();
      // Its server span is named after the route too, and says it was abandoned.
      const spans = await receiver.waitForSpans(
        (all) => all.some((s) => s.kind === 'server'),
        15_000,
      );
      const server = spans.filter((s) => s.kind === 'server');
      expect(server.map((s) => s.name)).toEqual(['POST /api/items']);
      expect(server[0]?.attributes['http.route']).toBe('/api/items');
      expect(server[0]?.attributes['error.type']).toBe('aborted');
    });

    it('still counts a body aborted on an unknown path as unmatched', async () => {
      await abortWhileSendingBody(app.port, '/api/no-such-thing');
      expect(
        await awaitValue(app, REQUESTS, {
          method: 'POST',
          endpoint: 'unmatched',
          status_code: '499',
        }),
      ).toBe(1);
    });
  },
);

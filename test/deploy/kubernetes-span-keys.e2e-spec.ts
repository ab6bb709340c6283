import { Client } from 'pg';
import { startDemo, type DemoApp } from '../support/demo-app';
import {
  TEST_DATABASE_URL,
  eventually,
  jsonLines,
} from '../support/demo-client';
import { ADAPTERS } from '../support/fixture-process';
import {
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
} from '../support/trace-receivers';
import { matchKeys } from './collector-match-keys';
import {
  AGENT_CONFIG,
  GATEWAY_CONFIG,
  backend,
  collectorConfig,
} from './kubernetes-files';

// Every key the Collector configs match on, parsed from them, against spans and log lines
// the demo really produces: an error request, a slow one, a fast one, and a payment
// (the gateway keeps every payment trace). A renamed span attribute, resource key or log field fails.
const keys = matchKeys([
  collectorConfig(AGENT_CONFIG),
  collectorConfig(GATEWAY_CONFIG),
]);
const slowThresholdMs = Math.max(...keys.latencyThresholdsMs);

/** The backend container's literal env (the values a pod gets), `$(VAR)` filled in. */
function podEnv(): Record<string, string> {
  const fieldValues: Record<string, string> = {
    POD_UID: '5f0c6a3e-0000-4000-8000-000000000001',
    POD_NAME: 'prs-backend-7d9c8b6f5-abcde',
  };
  // Where the pod reaches its cluster's services, the test reaches its own.
  const local = new Set([
    'PORT',
    'HOST',
    'REDIS_URL',
    'OTEL_EXPORTER_OTLP_ENDPOINT',
  ]);
  const env: Record<string, string> = {};
  for (const { name, value } of backend().container.env ?? [])
    if (value !== undefined && !local.has(name))
      env[name] = value.replace(
        /\$\((\w+)\)/g,
        (_, v: string) => fieldValues[v] ?? '',
      );
  return env;
}

const serverSpan = (spans: ReceivedSpan[], traceId: string) =>
  spans.find((s) => s.traceId === traceId && s.kind === 'server');

describe.each(ADAPTERS)(
  'Collector match keys against demo spans on %s',
  (adapter) => {
    let demo: DemoApp;
    let otlp: OtlpReceiver;
    const traceIds: Record<'error' | 'slow' | 'fast' | 'payment', string> = {
      error: '',
      slow: '',
      fast: '',
      payment: '',
    };

    beforeAll(async () => {
      otlp = await startOtlpReceiver();
      demo = await startDemo(adapter, {
        ...podEnv(),
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${otlp.port}/v1/traces`,
      });
      const { api } = demo;
      const token = await api.login('alice');
      const traceOf = (reply: { headers: Headers }) =>
        reply.headers.get('x-trace-id') ?? '';

      const failed = await api.get('/api/debug/fail');
      expect(failed.status).toBe(500);
      traceIds.error = traceOf(failed);
      const deal = await api.createDeal(token);
      const fast = await api.get(`/api/deals/${deal.id}`, token);
      expect(fast.status).toBe(200);
      traceIds.fast = traceOf(fast);
      traceIds.slow = await slowPatch(demo, token, Number(deal.id));
      const paid = await api.post(
        `/api/deals/${deal.id}/payments`,
        { amount: 10, method: 'cash' },
        token,
      );
      expect(paid.status).toBe(201);
      traceIds.payment = traceOf(paid);
      await otlp.waitForSpans(
        (all) => Object.values(traceIds).every((id) => serverSpan(all, id)),
        30_000,
      );
    }, 180_000);

    afterAll(async () => {
      await demo?.app.stop();
      await otlp?.close();
    });

    it('starts with the Deployment env and no head-sampling warning', () => {
      const output = demo.app.output();
      expect(output).not.toContain('traces.tailSampling is on');
      expect(
        Object.values(traceIds).every((id) => /^[0-9a-f]{32}$/.test(id)),
      ).toBe(true);
    });

    it('every span attribute key the configs match on is on every request span', () => {
      expect(keys.spanAttributes.size).toBeGreaterThan(0);
      for (const id of Object.values(traceIds)) {
        const span = serverSpan(otlp.spans(), id);
        for (const key of keys.spanAttributes)
          expect({
            key,
            span: span?.name,
            has: span !== undefined && key in span.attributes,
          }).toEqual({ key, span: span?.name, has: true });
      }
    });

    it('every value a policy or condition compares with occurs on a demo span', () => {
      const seen = new Set(
        otlp
          .spans()
          .flatMap((s) =>
            Object.entries(s.attributes).map(([k, v]) => `${k}=${String(v)}`),
          ),
      );
      expect(keys.spanAttributeValues.length).toBeGreaterThan(0);
      for (const [key, value] of keys.spanAttributeValues)
        expect(seen).toContain(`${key}=${value}`);
    });

    it('every resource key the configs match on is on every span', () => {
      expect(keys.resourceAttributes.size).toBeGreaterThan(0);
      for (const span of otlp.spans())
        for (const key of keys.resourceAttributes)
          expect({ key, has: key in (span.resource ?? {}) }).toEqual({
            key,
            has: true,
          });
    });

    it('the error request carries status ERROR; the slow one lasts longer than the latency threshold', () => {
      expect([...keys.statusCodes]).toEqual(['ERROR']);
      const error = otlp.spans().filter((s) => s.traceId === traceIds.error);
      expect(error.some((s) => s.status.code === 'error')).toBe(true);
      const fast = otlp.spans().filter((s) => s.traceId === traceIds.fast);
      expect(fast.some((s) => s.status.code === 'error')).toBe(false);
      const slow = serverSpan(otlp.spans(), traceIds.slow);
      const ms = Number(
        ((slow?.endTimeUnixNano ?? 0n) - (slow?.startTimeUnixNano ?? 0n)) /
          1_000_000n,
      );
      expect(ms).toBeGreaterThan(slowThresholdMs);
    });

    it('the log fields the filelog operators read are on the request lines, joined to the trace', () => {
      expect([...keys.logFields].sort()).toEqual([
        'level',
        'span_id',
        'timestamp',
        'trace_id',
      ]);
      const line = jsonLines(demo.app.output()).lines.find(
        (l) => l.trace_id === traceIds.error && l.request,
      );
      for (const field of keys.logFields)
        expect({ field, has: line !== undefined && field in line }).toEqual({
          field,
          has: true,
        });
    });
  },
);

/**
 * A PATCH held back by a row lock for longer than the latency threshold: the lock is taken
 * first, the request waits on it (seen in pg_blocking_pids), then the lock is held the
 * threshold plus 100 ms more. Only our own deal's row is locked.
 */
async function slowPatch(
  demo: DemoApp,
  token: string,
  dealId: number,
): Promise<string> {
  const locker = new Client({ connectionString: TEST_DATABASE_URL });
  await locker.connect();
  try {
    await locker.query('BEGIN');
    await locker.query(
      'SELECT id FROM prs_demo.deals WHERE id = $1 FOR UPDATE',
      [dealId],
    );
    const reply = demo.api.call('PATCH', `/api/deals/${dealId}`, {
      body: { title: 'Held back' },
      token,
    });
    await eventually(
      async () =>
        (
          await locker.query(
            'SELECT 1 FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))',
          )
        ).rowCount === 1,
      30_000,
      'the PATCH never waited on the row lock',
    );
    await new Promise((resolve) => setTimeout(resolve, slowThresholdMs + 100));
    await locker.query('COMMIT');
    const patched = await reply;
    expect(patched.status).toBe(200);
    return patched.headers.get('x-trace-id') ?? '';
  } finally {
    await locker.end();
  }
}

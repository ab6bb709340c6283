import type { ProbeResult } from './check-outcome';
import { CheckRunner } from './check-runner';
import { SecretRedactor } from './secret-redactor';

const SPEC = {
  name: 'database',
  failedDetails: 'Database connectivity failed',
};
const UP: ProbeResult = { healthy: true, data: { details: 'ok' } };

function runner(timeoutMs = 100, cacheTtlMs = 0) {
  const records: [string, boolean, number][] = [];
  const warnings: string[] = [];
  const r = new CheckRunner(
    timeoutMs,
    cacheTtlMs,
    new SecretRedactor(['CANARY']),
    {
      record: (check, healthy, seconds) =>
        records.push([check, healthy, seconds]),
      warn: (_cause, message) => warnings.push(message),
    },
  );
  return { r, records, warnings };
}

/** A probe whose runs stay pending until released. */
function gate() {
  const releases: (() => void)[] = [];
  let calls = 0;
  const probe = () => {
    calls++;
    return new Promise<ProbeResult>((resolve) =>
      releases.push(() => resolve(UP)),
    );
  };
  return {
    probe,
    calls: () => calls,
    release: () => releases.splice(0).forEach((f) => f()),
  };
}

describe('CheckRunner', () => {
  it('shares one run among concurrent callers and records it once', async () => {
    const { r, records } = runner(1000);
    const g = gate();
    const outcomes = Array.from({ length: 50 }, () => r.run(SPEC, g.probe));
    g.release();
    const results = await Promise.all(outcomes);
    expect(g.calls()).toBe(1);
    expect(new Set(results).size).toBe(1);
    expect(results[0]).toMatchObject({
      healthy: true,
      data: { details: 'ok' },
    });
    expect(records).toHaveLength(1);
  });

  it('reports a hung probe as down at the timeout and does not start another while it hangs', async () => {
    const { r, records, warnings } = runner(200);
    const g = gate();
    const started = Date.now();
    const first = await r.run(SPEC, g.probe);
    expect(Date.now() - started).toBeGreaterThanOrEqual(195);
    expect(first).toMatchObject({
      healthy: false,
      data: {
        error: 'timeout after 200 ms',
        details: 'Database connectivity failed',
      },
    });
    // Still hung: later callers get the timeout result at once, no new run.
    const again = Date.now();
    expect(await r.run(SPEC, g.probe)).toBe(first);
    expect(Date.now() - again).toBeLessThan(100);
    expect(g.calls()).toBe(1);
    expect(records).toEqual([['database', false, expect.any(Number)]]);
    expect(warnings).toEqual([
      'Health check "database" is down: timeout after 200 ms',
    ]);
    // Once the operation settles, the next caller runs a fresh check.
    g.release();
    await new Promise((resolve) => setImmediate(resolve));
    const fresh = r.run(SPEC, g.probe);
    g.release();
    expect(await fresh).toMatchObject({ healthy: true });
    expect(g.calls()).toBe(2);
  });

  it('abandons an operation that ignores its abort signal after 30 s', async () => {
    jest.useFakeTimers();
    try {
      const { r } = runner(50);
      const g = gate();
      const first = r.run(SPEC, g.probe);
      await jest.advanceTimersByTimeAsync(50);
      expect((await first).healthy).toBe(false);
      await jest.advanceTimersByTimeAsync(29_000);
      await r.run(SPEC, g.probe);
      expect(g.calls()).toBe(1);
      await jest.advanceTimersByTimeAsync(1_000);
      const next = r.run(SPEC, g.probe);
      expect(g.calls()).toBe(2);
      g.release();
      expect((await next).healthy).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });

  it('aborts the probe signal at the timeout', async () => {
    const { r } = runner(20);
    let signal: AbortSignal | undefined;
    await r.run(SPEC, (s) => {
      signal = s;
      return new Promise(() => undefined);
    });
    expect(signal?.aborted).toBe(true);
  });

  it('turns throws and rejections into masked down results', async () => {
    const { r } = runner();
    const thrown = await r.run(SPEC, () => {
      throw new Error('login CANARY failed');
    });
    expect(thrown.data).toEqual({
      error: 'Error: login *** failed',
      details: 'Database connectivity failed',
    });
    const rejected = await r.run({ ...SPEC, name: 'other' }, () =>
      Promise.reject(
        Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:5432'), {
          code: 'ECONNREFUSED',
        }),
      ),
    );
    expect(rejected.data.error).toBe('connection refused');
  });

  it('masks probe data and drops reserved keys', async () => {
    const { r } = runner();
    const outcome = await r.run(SPEC, () =>
      Promise.resolve({
        healthy: true,
        data: {
          note: 'dsn=postgres://u:CANARY@h/db',
          status: 'x',
          healthy: false,
        },
      }),
    );
    expect(outcome.data).toEqual({ note: 'dsn=[url]' });
  });

  it('reuses a result for cacheTtlMs, then runs again', async () => {
    const { r } = runner(100, 60);
    let calls = 0;
    const probe = () => Promise.resolve({ ...UP, data: { n: ++calls } });
    expect((await r.run(SPEC, probe)).data).toEqual({ n: 1 });
    expect((await r.run(SPEC, probe)).data).toEqual({ n: 1 });
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect((await r.run(SPEC, probe)).data).toEqual({ n: 2 });
  });

  it('keeps "slow" apart from a failure: only an answered probe past a threshold is slow', async () => {
    const { r } = runner(100);
    const slow = await r.run(SPEC, () =>
      Promise.resolve({ healthy: false, slow: true, data: { details: 's' } }),
    );
    expect(slow).toMatchObject({ healthy: false, slow: true });
    const { r: other } = runner(100);
    const thrown = await other.run(SPEC, () =>
      Promise.reject(new Error('refused')),
    );
    expect(thrown).toMatchObject({ healthy: false, slow: false });
    const { r: third } = runner(50);
    const timedOut = await third.run(SPEC, () => new Promise(() => undefined));
    expect(timedOut).toMatchObject({ healthy: false, slow: false });
  });

  it('never lets a throwing metrics hook break the check', async () => {
    const r = new CheckRunner(100, 0, new SecretRedactor([]), {
      record: () => {
        throw new Error('meter broken');
      },
      warn: () => undefined,
    });
    expect(await r.run(SPEC, () => Promise.resolve(UP))).toMatchObject({
      healthy: true,
    });
  });
});

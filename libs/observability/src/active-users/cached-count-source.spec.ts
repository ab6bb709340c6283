import {
  CachedCountSource,
  MAX_ABANDONED_CALLS,
  type RefreshFailure,
} from './cached-count-source';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('CachedCountSource', () => {
  // Per test: a call a test leaves pending must not report into the next test's list.
  let failures: { reason: RefreshFailure; error?: unknown }[];
  let onFailure: (reason: RefreshFailure, error?: unknown) => void;
  beforeEach(() => {
    const list: typeof failures = (failures = []);
    onFailure = (reason, error) => list.push({ reason, error });
  });

  it('answers at once with the last good value and refreshes in the background', async () => {
    let next = 4;
    let calls = 0;
    const source = new CachedCountSource(
      () => (calls++, Promise.resolve(next)),
      1_000,
      onFailure,
    );
    expect(source.read()).toBeUndefined(); // first read: nothing yet, refresh started
    await tick();
    next = 9;
    expect(source.read()).toBe(4);
    await tick();
    expect(source.read()).toBe(9);
    expect(calls).toBe(3);
    expect(failures).toEqual([]);
  });

  it('a source that hangs: reads stay immediate with the last value; the call is aborted at the deadline', async () => {
    let hang = false;
    let signal: AbortSignal | undefined;
    const source = new CachedCountSource(
      (s) => {
        signal = s;
        return hang ? new Promise<number>(() => undefined) : 7;
      },
      50,
      onFailure,
    );
    source.read();
    await tick();
    hang = true;
    const started = performance.now();
    expect(source.read()).toBe(7);
    expect(source.read()).toBe(7); // no second call while one is in flight
    expect(performance.now() - started).toBeLessThan(100);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(signal?.aborted).toBe(true);
    expect(failures.map((f) => f.reason)).toEqual(['timeout']);
    expect(source.read()).toBe(7);
  });

  it('discards a late answer, keeps the value on failure or invalid answers', async () => {
    const answers: (() => Promise<number>)[] = [
      () => Promise.resolve(3),
      () => new Promise((resolve) => setTimeout(() => resolve(100), 60)),
      () => Promise.reject(new Error('db down')),
      () => Promise.resolve(-1),
      () => Promise.resolve(Number.NaN),
    ];
    const source = new CachedCountSource(
      () => answers.shift()!(),
      30,
      onFailure,
    );
    source.read();
    await tick();
    source.read(); // the late one
    await new Promise((resolve) => setTimeout(resolve, 90));
    expect(source.read()).toBe(3); // 100 arrived after its deadline; this read starts 'db down'
    await tick();
    source.read();
    await tick();
    source.read();
    await tick();
    expect(source.read()).toBe(3);
    expect(failures.map((f) => f.reason)).toEqual([
      'timeout',
      'failed',
      'invalid',
      'invalid',
    ]);
    expect(failures[1]?.error).toEqual(new Error('db down'));
  });

  it('a synchronous throw is a failure, not an exception in the scrape', async () => {
    const source = new CachedCountSource(
      () => {
        throw new Error('sync bug');
      },
      30,
      onFailure,
    );
    expect(() => source.read()).not.toThrow();
    await tick();
    expect(failures.map((f) => f.reason)).toEqual(['failed']);
  });

  it(`stops calling after ${MAX_ABANDONED_CALLS} calls that ignore their signal are pending`, async () => {
    let calls = 0;
    const source = new CachedCountSource(
      () => {
        calls++;
        return new Promise<number>(() => undefined);
      },
      10,
      onFailure,
    );
    for (let i = 0; i < MAX_ABANDONED_CALLS + 2; i++) {
      source.read();
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(calls).toBe(MAX_ABANDONED_CALLS);
    expect(failures.map((f) => f.reason)).toEqual([
      ...Array<RefreshFailure>(MAX_ABANDONED_CALLS).fill('timeout'),
      'saturated',
      'saturated',
    ]);
  });
});

import { Agent, get } from 'node:http';
import { performance } from 'node:perf_hooks';
import { ADAPTERS, type RunningFixture } from './support/fixture-process';
import { startHealthFixture } from './support/health-fixture';

const DRAIN_MS = 3000;
const BOUND_MS = 2000;
/** Scheduling slack on a loaded 2-core box, on top of drain + bound. */
const MARGIN_MS = 1500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One request as the client saw it; times are ms after SIGTERM. */
interface Outcome {
  sentAt: number;
  doneAt: number;
  status?: number;
  connection?: string;
  reused?: boolean;
  error?: string;
}

/**
 * The drain timeline (docs/health.md#graceful-shutdown) under keep-alive clients that
 * keep sending requests through SIGTERM: readiness 503 and every request served during
 * the drain delay; then `Connection: close`, idle keep-alive sockets closed, the
 * listener closed; requests still running get `shutdownTimeoutMs`, then their
 * connections are cut and the process exits. Before this, keep-alive clients were
 * served for 35 s after the listener closed and the exit came 41 s after SIGTERM.
 */
describe.each(ADAPTERS)(
  'shutdown drain under keep-alive load (%s)',
  (adapter) => {
    let app: RunningFixture | undefined;
    const agents: Agent[] = [];
    beforeAll(async () => {
      app = await startHealthFixture(adapter, {
        health: { drainDelayMs: DRAIN_MS, shutdownTimeoutMs: BOUND_MS },
      });
    });
    afterAll(async () => {
      for (const agent of agents) agent.destroy();
      await app?.stop();
    });

    it(`exits within drain ${DRAIN_MS} ms + bound ${BOUND_MS} ms (+${MARGIN_MS} ms margin): 503 readiness and every request served while draining, then Connection: close`, async () => {
      const fixture = app!;
      const agent = new Agent({ keepAlive: true, maxSockets: 4 });
      const straddleAgent = new Agent({ keepAlive: true, maxSockets: 1 });
      const idleAgent = new Agent({ keepAlive: true, maxSockets: 1 });
      agents.push(agent, straddleAgent, idleAgent);
      let t0 = performance.now();
      const now = () => performance.now() - t0;

      const send = (path: string, via: Agent | false): Promise<Outcome> => {
        const sentAt = now();
        return new Promise((resolve) => {
          const req = get(
            fixture.url(path),
            { agent: via, timeout: 20_000 },
            (res) => {
              res.resume();
              res.on('end', () =>
                resolve({
                  sentAt,
                  doneAt: now(),
                  status: res.statusCode,
                  connection: String(res.headers.connection),
                  reused: req.reusedSocket,
                }),
              );
            },
          );
          req.on('timeout', () => req.destroy(new Error('client timeout')));
          req.on('error', (error: NodeJS.ErrnoException) =>
            resolve({
              sentAt,
              doneAt: now(),
              error: error.code ?? error.message,
            }),
          );
        });
      };

      // Open the keep-alive sockets, and one more that will sit idle through the drain.
      await Promise.all(
        Array.from({ length: 4 }, () =>
          send('/api/fixture-health/slow/1', agent),
        ),
      );
      await send('/api/fixture-health/slow/1', straddleAgent);
      let idleClosedAt: number | undefined;
      const idleReq = get(fixture.url('/health/live'), { agent: idleAgent });
      idleReq.on('socket', (socket) =>
        socket.once('close', () => (idleClosedAt = now())),
      );
      await new Promise((resolve) =>
        idleReq.on('response', (res) => res.resume().on('end', resolve)),
      );

      const exited = new Promise<{
        at: number;
        code: number | null;
        signal: string | null;
      }>((resolve) =>
        fixture.child.once('exit', (code, signal) =>
          resolve({ at: now(), code, signal }),
        ),
      );
      let exitAt: number | undefined;
      void exited.then((e) => (exitAt = e.at));
      const failsafe = setTimeout(() => fixture.child.kill('SIGKILL'), 30_000);
      t0 = performance.now();
      fixture.child.kill('SIGTERM');

      const hammered: Outcome[] = [];
      const hammer = async () => {
        while (
          exitAt === undefined &&
          now() < DRAIN_MS + BOUND_MS + MARGIN_MS
        ) {
          const outcome = await send('/api/fixture-health/slow/20', agent);
          hammered.push(outcome);
          if (outcome.error) await sleep(50);
        }
      };
      const ready: Outcome[] = [];
      const poll = async () => {
        while (now() < DRAIN_MS - 300) {
          ready.push(await send('/health/ready', false));
          await sleep(100);
        }
      };
      const later = async (at: number, path: string, via: Agent | false) => {
        await sleep(at - now());
        return send(path, via);
      };
      // Accepted during the drain, still running when it ends, done before the bound.
      const straddling = later(
        DRAIN_MS - 600,
        '/api/fixture-health/slow/1500',
        straddleAgent,
      );
      // Accepted during the drain, running past the bound: cut at the bound.
      const hanging = later(
        DRAIN_MS - 500,
        '/api/fixture-health/slow/60000',
        false,
      );
      await Promise.all([...Array.from({ length: 4 }, hammer), poll()]);
      const straddler = await straddling;
      const hung = await hanging;
      const exit = await exited;
      clearTimeout(failsafe);

      // Exit: held by the hung request until the bound, then at once.
      expect(exit.at).toBeGreaterThan(DRAIN_MS + BOUND_MS - 300);
      expect(exit.at).toBeLessThan(DRAIN_MS + BOUND_MS + MARGIN_MS);
      expect(hung.error).toBeDefined();
      expect(hung.doneAt).toBeGreaterThan(DRAIN_MS + BOUND_MS - 300);
      expect(hung.doneAt).toBeLessThan(DRAIN_MS + BOUND_MS + MARGIN_MS);

      // During the drain: readiness 503 (after the first 100 ms), everything else served.
      const probes = ready.filter((o) => o.sentAt >= 100);
      expect(probes.length).toBeGreaterThan(10);
      expect(probes.map((o) => o.status)).toEqual(probes.map(() => 503));
      const draining = hammered.filter((o) => o.sentAt < DRAIN_MS - 200);
      expect(draining.length).toBeGreaterThan(50);
      expect(draining.filter((o) => o.status !== 200)).toEqual([]);
      expect(
        draining
          .filter((o) => o.doneAt < DRAIN_MS - 100)
          .every((o) => o.connection === 'keep-alive'),
      ).toBe(true);

      // No answered request failed; refusals only once the listener closed after the drain.
      expect(
        hammered.filter((o) => o.status !== undefined && o.status !== 200),
      ).toEqual([]);
      expect(
        hammered.filter(
          (o) => o.error !== undefined && o.sentAt < DRAIN_MS - 200,
        ),
      ).toEqual([]);
      // Responses finished after the drain end the keep-alive connection.
      expect(
        hammered.filter(
          (o) =>
            o.status !== undefined &&
            o.doneAt > DRAIN_MS + 100 &&
            o.connection !== 'close',
        ),
      ).toEqual([]);

      // The request on a reused keep-alive socket that straddled the drain: served, then closed.
      expect(straddler).toMatchObject({
        status: 200,
        reused: true,
        connection: 'close',
      });
      expect(straddler.doneAt).toBeGreaterThan(DRAIN_MS);
      expect(straddler.doneAt).toBeLessThan(DRAIN_MS + BOUND_MS);

      // The idle keep-alive socket was closed by the server at the drain's end.
      expect(idleClosedAt).toBeGreaterThan(DRAIN_MS - 100);
      expect(idleClosedAt).toBeLessThan(DRAIN_MS + 1000);

      expect(fixture.output()).toContain(
        `readiness answers 503 for ${DRAIN_MS} ms`,
      );
      expect(fixture.output()).toContain(
        `requests still running get ${BOUND_MS} ms (health.shutdownTimeoutMs)`,
      );
    });
  },
);

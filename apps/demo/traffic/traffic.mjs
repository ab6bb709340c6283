#!/usr/bin/env node
// @ts-check
/**
 * `npm run demo:traffic -- --duration 60s --rate 20`: realistic mixed load against a
 * running demo (DEMO_URL, else HOST and PORT as the demo reads them, default
 * http://127.0.0.1:3000), bounded in time and request count, loopback only. Prints a one-line progress display and a summary.
 */
import { parseTrafficOptions } from './traffic-options.mjs';
import { formatReport } from './traffic-report.mjs';
import { scenarios } from './traffic-scenarios.mjs';
import { TrafficState } from './traffic-state.mjs';
import { TrafficStats } from './traffic-stats.mjs';

const REQUEST_TIMEOUT_MS = 10_000;

/** @type {import('./traffic-options.mjs').TrafficOptions} */
let options;
try {
  options = parseTrafficOptions(process.argv.slice(2), process.env);
} catch (error) {
  process.stderr.write(
    `${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(2);
}

// `npm run demo:traffic | head` closes stdout early: stop quietly instead of crashing.
process.stdout.on('error', (error) => {
  if (/** @type {NodeJS.ErrnoException} */ (error).code === 'EPIPE')
    process.exit(0);
  throw error;
});

const stats = new TrafficStats();
const state = new TrafficState(
  `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`,
);
const mix = scenarios(state);
const byName = new Map(mix.map((s) => [s.name, s]));
const totalWeight = mix.reduce((sum, s) => sum + s.weight, 0);
let sent = 0;
let stopping = false;

/**
 * @param {string} scenario
 * @returns {import('./traffic-state.mjs').Send}
 */
const sender = (scenario) => async (call, as) => {
  if (sent >= options.maxRequests) throw new Error('request budget spent');
  sent++;
  const name = as ?? scenario;
  const started = performance.now();
  stats.inFlight++;
  try {
    const res = await fetch(new URL(call.path, options.url), {
      method: call.method ?? 'GET',
      headers: {
        ...(call.body === undefined
          ? {}
          : { 'content-type': 'application/json' }),
        ...(call.token ? { authorization: `Bearer ${call.token}` } : {}),
        'user-agent': 'prs-demo-traffic/1',
      },
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    const expect = byName.get(name)?.expect ?? [res.status];
    stats.record(
      name,
      res.status,
      performance.now() - started,
      expect.includes(res.status),
    );
    return { status: res.status, body: parseJson(text) };
  } catch (error) {
    stats.record(name, 'error', performance.now() - started, false);
    throw error;
  } finally {
    stats.inFlight--;
  }
};

/** `fetch failed` hides the reason in its cause (ECONNREFUSED, ...). @param {unknown} error */
function describe(error) {
  if (!(error instanceof Error)) return String(error);
  const cause = /** @type {{ code?: string; message?: string } | undefined} */ (
    error.cause
  );
  return cause?.code ?? cause?.message ?? error.message;
}

/** @param {string} text */
function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function pickScenario() {
  let ticket = Math.random() * totalWeight;
  for (const s of mix) if ((ticket -= s.weight) < 0) return s;
  return /** @type {import('./traffic-state.mjs').Scenario} */ (mix[0]);
}

async function main() {
  const { url, urlSource, durationMs, rate, maxRequests, concurrency } =
    options;
  process.stdout.write(
    `demo:traffic → ${url.origin} (${urlSource}) for ${durationMs / 1000}s at ${rate}/s (at most ${maxRequests} requests, ${concurrency} in flight)\n`,
  );
  try {
    await state.setUp(sender('setup'));
  } catch (error) {
    process.stderr.write(
      `demo:traffic: no demo answered at ${url.origin}: ${describe(error)}. Start it with \`npm run demo\`; when it listens elsewhere, set the same PORT and HOST here (or DEMO_URL).\n`,
    );
    process.exit(1);
  }
  process.once('SIGINT', () => (stopping = true));
  const tty = process.stdout.isTTY;
  const start = Date.now();
  /** @type {Set<Promise<void>>} */
  const running = new Set();
  let launched = 0;
  let lastProgress = 0;
  while (!stopping && Date.now() - start < durationMs && sent < maxRequests) {
    const due = Math.floor(((Date.now() - start) / 1000) * rate) + 1 - launched;
    for (
      let i = 0;
      i < due && running.size < concurrency && sent < maxRequests;
      i++
    ) {
      launched++;
      const scenario = pickScenario();
      const run = scenario.run(sender(scenario.name)).catch(() => undefined);
      running.add(run);
      void run.finally(() => running.delete(run));
    }
    if (Date.now() - lastProgress >= (tty ? 250 : 5_000)) {
      lastProgress = Date.now();
      process.stdout.write(
        tty
          ? `\r${stats.progressLine(durationMs)}\x1b[K`
          : `${stats.progressLine(durationMs)}\n`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  // Requests still in flight get their own timeout to finish; the wait is bounded too.
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  await Promise.race([
    Promise.all(running),
    new Promise((r) => (timer = setTimeout(r, REQUEST_TIMEOUT_MS + 1_000))),
  ]);
  clearTimeout(timer);
  if (tty) process.stdout.write('\n');
  process.stdout.write(formatReport(stats.summary(), options));
  process.exitCode = (stats.classes.get('2xx') ?? 0) > 0 ? 0 : 1;
}

await main();

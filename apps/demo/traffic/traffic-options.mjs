// @ts-check
/**
 * Command line of `npm run demo:traffic`: bounded in time, rate and count, and only
 * ever aimed at a demo on this machine.
 *
 * @typedef {{ url: URL; urlSource: string; durationMs: number; rate: number;
 *   maxRequests: number; concurrency: number; json: boolean }} TrafficOptions
 */

const LIMITS = { durationMs: 3_600_000, rate: 500, maxRequests: 1_000_000 };
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

export const USAGE = `Usage: npm run demo:traffic -- [--duration 60s] [--rate 20] [--max-requests N] [--concurrency 16] [--json]
  Target: --url, else DEMO_URL, else http://HOST:PORT as \`npm run demo\` reads them
  (default http://127.0.0.1:3000; HOST 0.0.0.0 or :: is reached on loopback). Loopback only.
  --duration  how long to run: 500ms, 30s, 2m, 1h (default 60s, at most 1h)
  --rate      requests started per second (default 20, at most ${LIMITS.rate})
  --max-requests  stop after this many requests, the 3 set-up logins included
                  (default: rate x duration)
  --concurrency   most requests in flight (default 16)
  --json      end with one line: TRAFFIC_SUMMARY {...}`;

/**
 * @param {string[]} argv
 * @param {Record<string, string | undefined>} env
 * @returns {TrafficOptions}
 */
export function parseTrafficOptions(argv, env) {
  /** @type {Record<string, string>} */
  const flags = {};
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--json') json = true;
    else if (arg === '--help' || arg === '-h') throw new Error(USAGE);
    else if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split('=', 2);
      const value = inline ?? argv[++i];
      if (!name || value === undefined)
        throw new Error(`${arg} needs a value\n${USAGE}`);
      flags[name] = value;
    } else throw new Error(`unexpected argument ${arg}\n${USAGE}`);
  }
  const unknown = Object.keys(flags).filter(
    (f) =>
      !['duration', 'rate', 'max-requests', 'concurrency', 'url'].includes(f),
  );
  if (unknown.length)
    throw new Error(`unknown option --${unknown[0]}\n${USAGE}`);
  const { url, urlSource } = target(flags.url, env);
  if (!LOOPBACK.test(url.hostname))
    throw new Error(
      `demo:traffic only drives a demo on this machine; ${url.hostname} is not a loopback address`,
    );
  const durationMs = duration(flags.duration ?? '60s');
  const rate = bounded('rate', flags.rate ?? '20', 0.1, LIMITS.rate);
  const maxRequests = Math.floor(
    bounded(
      'max-requests',
      flags['max-requests'] ?? String(Math.ceil((rate * durationMs) / 1000)),
      1,
      LIMITS.maxRequests,
    ),
  );
  const concurrency = Math.floor(
    bounded('concurrency', flags.concurrency ?? '16', 1, 256),
  );
  return { url, urlSource, durationMs, rate, maxRequests, concurrency, json };
}

/**
 * Where the demo is: `--url`, else `DEMO_URL`, else `HOST`/`PORT` the way `npm run demo`
 * reads them (a demo listening on every address is reached on loopback).
 *
 * @param {string | undefined} flag
 * @param {Record<string, string | undefined>} env
 * @returns {{ url: URL; urlSource: string }}
 */
function target(flag, env) {
  if (flag !== undefined)
    return { url: parseUrl(flag, '--url'), urlSource: '--url' };
  if (env.DEMO_URL)
    return { url: parseUrl(env.DEMO_URL, 'DEMO_URL'), urlSource: 'DEMO_URL' };
  const port = env.PORT || '3000';
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65_535)
    throw new Error(`PORT=${port}: must be a port number from 1 to 65535`);
  const host = env.HOST || '127.0.0.1';
  const reachable =
    host === '0.0.0.0'
      ? '127.0.0.1'
      : host === '::' || host === '[::]'
        ? '[::1]'
        : host.includes(':') && !host.startsWith('[')
          ? `[${host}]`
          : host;
  const from = [
    env.HOST ? `HOST=${env.HOST}` : '',
    env.PORT ? `PORT=${env.PORT}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return {
    url: parseUrl(`http://${reachable}:${port}`, 'HOST/PORT'),
    urlSource: from || 'default',
  };
}

/** @param {string} text @param {string} name */
function parseUrl(text, name) {
  try {
    return new URL(text);
  } catch {
    throw new Error(`${name}: ${text} is not a URL`);
  }
}

/** @param {string} text */
function duration(text) {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new Error(`--duration ${text}: use 500ms, 30s, 2m or 1h`);
  const unit =
    { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 's'] ?? 1000;
  const ms = Number(match[1]) * unit;
  if (ms < 100 || ms > LIMITS.durationMs)
    throw new Error(`--duration ${text}: must be from 100ms to 1h`);
  return ms;
}

/** @param {string} name @param {string} text @param {number} min @param {number} max */
function bounded(name, text, min, max) {
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max)
    throw new Error(
      `--${name} ${text}: must be a number from ${min} to ${max}`,
    );
  return value;
}

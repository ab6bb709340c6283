/** The outcome of one bounded HTTP request. */
export type ProbeResult =
  { ok: true; status: number; body: string } | { ok: false; why: string };

const CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'DNS lookup failed',
  EAI_AGAIN: 'DNS lookup failed',
  ENETUNREACH: 'network unreachable',
  EHOSTUNREACH: 'network unreachable',
};

/** Most bytes of a body the doctor reads; a larger `/metrics` is cut (and reported invalid). */
const MAX_BODY = 16 * 1024 * 1024;

/**
 * One request that gives up after `timeoutMs` (connect, headers and body together).
 * Never throws: failures come back as `why` (`connection refused`, `no answer within 3000 ms`).
 */
export async function probe(
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<ProbeResult> {
  try {
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await res.text();
    return { ok: true, status: res.status, body: body.slice(0, MAX_BODY) };
  } catch (error) {
    return { ok: false, why: describe(error, timeoutMs) };
  }
}

/** `url` without credentials or query, for messages. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    return parsed.toString();
  } catch {
    return '(invalid URL)';
  }
}

function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError')
      return `no answer within ${timeoutMs} ms`;
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const code = typeof cause?.code === 'string' ? cause.code : undefined;
    if (code !== undefined) return CAUSES[code] ?? code;
    if (error.message.includes('Invalid URL') || error.name === 'TypeError')
      return error.message;
  }
  return 'request failed';
}

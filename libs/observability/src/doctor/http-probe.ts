import { exportFailureKind } from '../sdk/diagnostics';

/** The outcome of one bounded HTTP request. */
export type ProbeResult =
  { ok: true; status: number; body: string } | { ok: false; why: string };

/** Most bytes of a body the doctor reads; a larger `/metrics` is cut (and so reported invalid). */
const MAX_BODY = 16 * 1024 * 1024;

/**
 * One request that gives up after `timeoutMs` (connect, headers and body together) and
 * reads at most 16 MiB of the body. Never throws: failures come back as `why`
 * (`connection refused`, `no answer within 3000 ms`), named as the SDK's export warnings name them.
 */
export async function probe(
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<ProbeResult> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(url, { ...init, redirect: 'manual', signal });
    return { ok: true, status: res.status, body: await readBounded(res) };
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

async function readBounded(res: Response): Promise<string> {
  if (res.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    const bytes = chunk as Uint8Array;
    chunks.push(bytes.subarray(0, MAX_BODY - size));
    size += bytes.length;
    if (size >= MAX_BODY) break; // leaving the loop cancels the stream
  }
  return Buffer.concat(chunks).toString('utf8');
}

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
}

function describe(error: unknown, timeoutMs: number): string {
  // Duck-typed, not `instanceof Error`: fetch's errors may come from another realm.
  const e = (error ?? {}) as ErrorLike;
  if (e.name === 'TimeoutError' || e.name === 'AbortError')
    return `no answer within ${timeoutMs} ms`;
  // fetch wraps the socket's error (ECONNREFUSED, ENOTFOUND, ...) as its cause.
  const cause = (
    typeof e.cause === 'object' && e.cause !== null ? e.cause : e
  ) as ErrorLike;
  const message =
    typeof cause.message === 'string' ? cause.message : 'request failed';
  const kind = exportFailureKind(
    Object.assign(new Error(message), { code: cause.code }),
  );
  return kind === 'other' ? message : kind;
}

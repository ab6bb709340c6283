import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { ClientRequest, type IncomingMessage } from 'node:http';
import { requestStorage } from '../core/request-context';

const storage = requestStorage();
const UNDICI_REQUEST_CREATE = 'undici:request:create';

/**
 * `requestHook` of the http instrumentation: gives outgoing `http`/`https` requests
 * the current correlation id, unless the caller set that header itself.
 */
export function propagateCorrelationId(
  _span: unknown,
  request: ClientRequest | IncomingMessage,
): void {
  if (!(request instanceof ClientRequest)) return;
  const store = storage.getStore();
  if (store === undefined || request.headersSent) return;
  try {
    if (request.getHeader(store.outboundHeader) === undefined)
      request.setHeader(store.outboundHeader, store.correlationId);
  } catch {
    // headers already rendered (e.g. raw header arrays): the call goes out without it
  }
}

interface UndiciRequest {
  headers?: unknown;
  addHeader?: (name: string, value: string) => unknown;
}

/** Same for `fetch()` (undici), which the http instrumentation does not see. */
function onUndiciRequest(message: unknown): void {
  const store = storage.getStore();
  const request = (message as { request?: UndiciRequest } | undefined)?.request;
  if (store === undefined || typeof request?.addHeader !== 'function') return;
  try {
    if (!hasHeader(request.headers, store.outboundHeader))
      request.addHeader(store.outboundHeader, store.correlationId);
  } catch {
    // an undici version with another request shape: the call goes out without it
  }
}

/** Starts adding the header to `fetch()` calls; returns the function that stops it. */
export function propagateToFetch(): () => void {
  subscribe(UNDICI_REQUEST_CREATE, onUndiciRequest);
  return () => unsubscribe(UNDICI_REQUEST_CREATE, onUndiciRequest);
}

// undici 6+ keeps [name, value, ...]; older versions a raw "name: value\r\n" string.
function hasHeader(headers: unknown, name: string): boolean {
  if (Array.isArray(headers))
    return headers.some(
      (h, i) => i % 2 === 0 && String(h).toLowerCase() === name,
    );
  if (typeof headers === 'string')
    return (
      headers.toLowerCase().includes(`\r\n${name}:`) ||
      headers.toLowerCase().startsWith(`${name}:`)
    );
  return false;
}

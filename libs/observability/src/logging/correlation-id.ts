import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { CorrelationId } from '../core/request-context';

/**
 * The caller's correlation id from the first of `headers` that carries a valid one,
 * else a new UUID. Invalid values are dropped whole, never trimmed or repaired: a
 * repeated header arrives joined with ", " and is therefore rejected too.
 */
export function correlationIdOf(
  headers: IncomingHttpHeaders,
  names: readonly string[],
): string {
  for (const name of names) {
    const value = headers[name];
    if (CorrelationId.isValid(value)) return value;
  }
  return randomUUID();
}

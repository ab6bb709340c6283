import { REDACTED, type Redactor } from './redactor';

const MAX_DEPTH = 6;
const MAX_ITEMS = 100;
const MAX_KEY_LENGTH = 256;

/**
 * Copies a logged value into plain JSON data: credential keys redacted at any depth,
 * strings capped and scrubbed, errors flattened, cycles, depth, arrays and key counts
 * bounded. It never throws; a value that cannot be read becomes a marker.
 */
export function sanitize(
  redactor: Redactor,
  value: unknown,
  depth = 0,
  seen: WeakSet<object> = new WeakSet(),
): unknown {
  switch (typeof value) {
    case 'string':
      return redactor.text(value);
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
    case 'symbol':
      return value.toString();
    case 'undefined':
    case 'function':
      return undefined;
  }
  if (value === null) return null;
  const obj = value as object;
  if (depth >= MAX_DEPTH) return '[Object]';
  if (seen.has(obj)) return '[Circular]';
  seen.add(obj);
  try {
    return copy(redactor, obj, depth, seen);
  } catch {
    return '[Unreadable]';
  } finally {
    seen.delete(obj);
  }
}

/** An error as `{ type, message, stack, code?, cause?, ...own fields }`, redacted. */
export function errorFields(
  redactor: Redactor,
  error: Error,
  depth = 0,
  seen: WeakSet<object> = new WeakSet(),
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    type: redactor.text(String(error.name)),
    message: redactor.text(String(error.message)),
  };
  if (typeof error.stack === 'string') out.stack = redactor.text(error.stack);
  copyKeys(redactor, error, out, depth, seen);
  if (error.cause !== undefined)
    out.cause = sanitize(redactor, error.cause, depth + 1, seen);
  return out;
}

function copy(
  redactor: Redactor,
  obj: object,
  depth: number,
  seen: WeakSet<object>,
): unknown {
  if (obj instanceof Error) return errorFields(redactor, obj, depth, seen);
  if (obj instanceof Date)
    return Number.isNaN(obj.getTime()) ? null : obj.toISOString();
  if (ArrayBuffer.isView(obj))
    return `[${obj.constructor.name} ${obj.byteLength} bytes]`;
  if (Array.isArray(obj) || obj instanceof Set) {
    const items = Array.isArray(obj) ? obj : [...obj];
    const out = items
      .slice(0, MAX_ITEMS)
      .map((item: unknown) => sanitize(redactor, item, depth + 1, seen));
    if (items.length > MAX_ITEMS)
      out.push(`[${items.length - MAX_ITEMS} more items]`);
    return out;
  }
  if (obj instanceof Map) {
    const out: Record<string, unknown> = {};
    copyEntries(
      redactor,
      [...obj.entries()].map(([k, v]) => [String(k), v]),
      out,
      depth,
      seen,
    );
    return out;
  }
  const toJSON = (obj as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function')
    return sanitize(redactor, toJSON.call(obj) as unknown, depth + 1, seen);
  const out: Record<string, unknown> = {};
  copyKeys(redactor, obj, out, depth, seen);
  return out;
}

function copyKeys(
  redactor: Redactor,
  obj: object,
  out: Record<string, unknown>,
  depth: number,
  seen: WeakSet<object>,
): void {
  const keys = Object.keys(obj).filter(
    (k) => k !== 'stack' || !(obj instanceof Error),
  );
  const entries = keys
    .slice(0, MAX_ITEMS + 1)
    .map((k): [string, unknown] => [k, (obj as Record<string, unknown>)[k]]);
  copyEntries(redactor, entries, out, depth, seen, keys.length);
}

function copyEntries(
  redactor: Redactor,
  entries: [string, unknown][],
  out: Record<string, unknown>,
  depth: number,
  seen: WeakSet<object>,
  total = entries.length,
): void {
  for (const [rawKey, value] of entries.slice(0, MAX_ITEMS)) {
    const key =
      rawKey.length > MAX_KEY_LENGTH ? rawKey.slice(0, MAX_KEY_LENGTH) : rawKey;
    out[key] = redactor.isSensitive(key)
      ? REDACTED
      : sanitize(redactor, value, depth + 1, seen);
  }
  if (total > MAX_ITEMS) out['[more keys]'] = total - MAX_ITEMS;
}

/** An attribute name's encoded `KeyValue.key`, and its last value with that value's encoding. */
export interface CachedKey {
  readonly field: Buffer;
  value: unknown;
  /** The KeyValue's content for `value`, once it came twice in a row. */
  pair: Buffer | undefined;
}

/** No attribute value: a key's first value never matches it. */
export const NONE = Symbol('none');

/** Values short enough to keep in the cache (a large value is not kept alive). */
export function isShortPrimitive(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
      return value.length < 0x80;
    case 'number':
    case 'boolean':
      return true;
    default:
      return false;
  }
}

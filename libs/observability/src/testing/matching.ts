/**
 * What an expected field may be: a value compared with `Object.is` (arrays and
 * plain objects field by field, objects partially), or a RegExp a string must match.
 */
export type Expected = unknown;

/**
 * Whether `actual` matches `expected`: a RegExp tests a string; a plain object matches
 * an object that has at least its fields, each matching; an array matches an array of
 * the same length, item by item; anything else compares with `Object.is`.
 */
export function matches(actual: unknown, expected: Expected): boolean {
  if (expected instanceof RegExp)
    return typeof actual === 'string' && expected.test(actual);
  if (Array.isArray(expected))
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, i) => matches(actual[i], item))
    );
  if (isPlainObject(expected))
    return (
      isPlainObject(actual) &&
      Object.entries(expected).every(([key, value]) =>
        matches(actual[key], value),
      )
    );
  return Object.is(actual, expected);
}

/** Renders an expectation or a recorded value for a failure message (RegExps as `/.../`). */
export function show(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v instanceof RegExp ? `/${v.source}/${v.flags}` : v,
  );
}

/** The last `max` lines of a listing, with a note of how many were left out. */
export function listing(lines: readonly string[], max = 50): string {
  if (lines.length === 0) return '  (nothing)';
  const shown = lines.slice(-max).map((line) => `  ${line}`);
  if (lines.length > max)
    shown.unshift(`  ... ${lines.length - max} earlier left out`);
  return shown.join('\n');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !(value instanceof RegExp)
  );
}

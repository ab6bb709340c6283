// Characters JSON.stringify escapes in a string (controls, `"`, `\`, lone surrogates; a
// surrogate pair also matches and is simply handed to JSON.stringify), plus the line
// separators the log line contract escapes although JSON allows them raw.
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\u2028\u2029\ud800-\udfff]/;
const LINE_SEPARATOR = /[\u2028\u2029]/;
const LINE_SEPARATORS = /[\u2028\u2029]/g;

/**
 * `text` as a JSON string: exactly `JSON.stringify(text)`, except that U+2028 and U+2029
 * come out as `\u2028` and `\u2029` (valid JSON, but many line splitters and editors break
 * lines on them). Most text needs no escaping and is only scanned once.
 */
export function quote(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return `"${text}"`;
  return escapeLineSeparators(JSON.stringify(text));
}

/** A serialized line with raw U+2028/U+2029 (only ever inside its strings) escaped. */
export function escapeLineSeparators(line: string): string {
  return LINE_SEPARATOR.test(line)
    ? line.replace(LINE_SEPARATORS, (c) =>
        c === '\u2028' ? '\\u2028' : '\\u2029',
      )
    : line;
}

/**
 * One field value the way the JSON loggers write it: strings quoted, non-finite numbers
 * as `null`, `undefined` and functions left out (`undefined` returned), anything else
 * through `JSON.stringify` with the line separators escaped.
 */
export function jsonValue(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default: {
      const json = JSON.stringify(value) as string | undefined;
      return json === undefined ? undefined : escapeLineSeparators(json);
    }
  }
}

import type { Redactor } from './redactor';
import { errorFields, sanitize } from './sanitize';

// Set by the SDK on every line; a logged object cannot overwrite them.
const RESERVED = new Set([
  'level',
  'timestamp',
  'pid',
  'hostname',
  'logger',
  'module',
  'function',
  'line',
  'thread',
  'message',
  'channel',
  'correlation_id',
  'trace_id',
  'span_id',
  'trace_url',
]);
const STACK_LIKE = /\n\s+at /;

/** One log call as fields plus message text. */
export interface LogRecord {
  fields: Record<string, unknown>;
  message: string;
}

/**
 * Turns the arguments of a Nest `LoggerService` call into sanitized fields: a trailing
 * string is the context (`logger`, also `module` and `function`), an `Error` becomes `error`, an object's keys are
 * merged (reserved ones go under `data`) with a following string as the text, a stack string (Nest's
 * `error(message, stack, context)`) joins `error.stack`, anything else goes to `args`.
 */
export function toLogRecord(
  redactor: Redactor,
  message: unknown,
  params: readonly unknown[],
  isError: boolean,
): LogRecord {
  const args = [...params];
  const last = args[args.length - 1];
  const logger =
    typeof last === 'string' && args.length > 0
      ? redactor.text(String(args.pop()))
      : 'app';
  // The guide's `module` and `function`: the Nest context names the class logging.
  const fields: Record<string, unknown> = {
    logger,
    module: logger,
    function: logger,
  };
  let text = '';
  if (message instanceof Error) {
    fields.error = errorFields(redactor, message);
    text = message.message;
  } else if (typeof message === 'object' && message !== null) {
    const copy = sanitize(redactor, message);
    if (copy !== null && typeof copy === 'object' && !Array.isArray(copy)) {
      merge(fields, copy as Record<string, unknown>);
      const own = (message as { message?: unknown }).message;
      // `logger.log({ orderId }, 'order created')`: the string after the object is the text.
      if (typeof args[0] === 'string' && !STACK_LIKE.test(args[0]))
        text = args.shift() as string;
      else if (typeof own === 'string') text = own;
    } else fields.data = copy;
  } else text = String(message);

  const first = args[0];
  if (
    isError &&
    (first === undefined ||
      (typeof first === 'string' && STACK_LIKE.test(first)))
  ) {
    args.shift();
    if (typeof first === 'string') {
      const error = (fields.error ?? {}) as Record<string, unknown>;
      error.stack = redactor.text(first);
      fields.error = error;
    }
  }
  const rest = args.filter((a) => a !== undefined);
  if (rest.length > 0) fields.args = sanitize(redactor, rest);
  return { fields, message: redactor.text(text) };
}

function merge(
  fields: Record<string, unknown>,
  copy: Record<string, unknown>,
): void {
  let data: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(copy)) {
    if (key === 'message' && typeof value === 'string') continue; // became the text
    if (RESERVED.has(key)) (data ??= {})[key] = value;
    else fields[key] = value;
  }
  if (data !== undefined) fields.data = data;
}

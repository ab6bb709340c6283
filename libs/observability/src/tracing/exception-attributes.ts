import { type Attributes, diag, type Exception } from '@opentelemetry/api';

/**
 * The `exception` event's attributes, as OpenTelemetry's `SpanImpl.recordException` builds
 * them (type from `code` or `name`, message, stack), or `undefined` with its warning when
 * the exception names neither a type nor a message.
 */
export function exceptionAttributes(
  exception: Exception,
): Attributes | undefined {
  const attributes: Attributes = {};
  if (typeof exception === 'string') {
    attributes['exception.message'] = exception;
  } else if (exception) {
    if (exception.code) attributes['exception.type'] = String(exception.code);
    else if (exception.name) attributes['exception.type'] = exception.name;
    if (exception.message) attributes['exception.message'] = exception.message;
    if (exception.stack) attributes['exception.stacktrace'] = exception.stack;
  }
  if (attributes['exception.type'] || attributes['exception.message'])
    return attributes;
  diag.warn(
    `Failed to record an exception ${typeof exception === 'object' ? Object.prototype.toString.call(exception) : String(exception)}`,
  );
  return undefined;
}

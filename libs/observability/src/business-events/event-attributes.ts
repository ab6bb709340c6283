import type { Attributes } from '@opentelemetry/api';
import {
  MAX_ATTRIBUTE_VALUE_LENGTH,
  MAX_EVENT_ATTRIBUTES,
} from './business-event.constants';
import type { BusinessEventAttributes } from './track-business-event.options';

/**
 * Caps extra attributes: at most {@link MAX_EVENT_ATTRIBUTES} primitive values, strings
 * cut to {@link MAX_ATTRIBUTE_VALUE_LENGTH} characters, non-finite numbers and other
 * types dropped. Returns `undefined` when nothing is left.
 */
export function capAttributes(input: unknown): Attributes | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  let out: Attributes | undefined;
  let count = 0;
  for (const [key, value] of Object.entries(input as BusinessEventAttributes)) {
    if (count >= MAX_EVENT_ATTRIBUTES) break;
    const capped = capValue(value);
    if (key === '' || capped === undefined) continue;
    (out ??= {})[key] = capped;
    count++;
  }
  return out;
}

function capValue(value: unknown): string | number | boolean | undefined {
  if (typeof value === 'string') {
    return value.length > MAX_ATTRIBUTE_VALUE_LENGTH
      ? value.slice(0, MAX_ATTRIBUTE_VALUE_LENGTH)
      : value;
  }
  if (typeof value === 'number')
    return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean') return value;
  return undefined;
}

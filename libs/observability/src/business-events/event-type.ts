import {
  EVENT_TYPE_PATTERN,
  MAX_EVENT_TYPE_LENGTH,
} from './business-event.constants';

/** Whether `value` is a well-formed event type (snake_case, at most 64 characters). */
export function isEventType(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length <= MAX_EVENT_TYPE_LENGTH &&
    EVENT_TYPE_PATTERN.test(value)
  );
}

/** What a well-formed event type looks like, for error messages. */
export const EVENT_TYPE_RULE = `snake_case matching ${String(EVENT_TYPE_PATTERN)}, at most ${MAX_EVENT_TYPE_LENGTH} characters`;

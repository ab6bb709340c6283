import type { ConfigProblem } from '../core/observability-config.error';
import { MAX_EVENT_TYPES, PRS_EVENT_TYPES } from './business-event.constants';
import type { ResolvedBusinessEventsOptions } from './business-events-options.interface';
import { EVENT_TYPE_RULE, isEventType } from './event-type';

const KNOWN = ['eventTypes'];

/**
 * Validates the `businessEvents` section, pushing `businessEvents.*` problems onto
 * `problems`, and returns it with defaults applied.
 */
export function resolveBusinessEventsOptions(
  input: unknown,
  problems: ConfigProblem[],
): ResolvedBusinessEventsOptions {
  const fallback = Object.values(PRS_EVENT_TYPES);
  if (input === undefined) return { eventTypes: fallback };
  if (!isRecord(input)) {
    problems.push({ path: 'businessEvents', message: 'must be an object' });
    return { eventTypes: fallback };
  }
  for (const key of Object.keys(input)) {
    if (!KNOWN.includes(key)) {
      problems.push({
        path: `businessEvents.${key}`,
        message: `unknown option (known: ${KNOWN.join(', ')})`,
      });
    }
  }
  const eventTypes: unknown = input.eventTypes ?? fallback;
  if (
    !Array.isArray(eventTypes) ||
    eventTypes.length === 0 ||
    eventTypes.length > MAX_EVENT_TYPES
  ) {
    problems.push({
      path: 'businessEvents.eventTypes',
      message: `must be an array of 1 to ${MAX_EVENT_TYPES} event types (got ${show(eventTypes)})`,
    });
    return { eventTypes: fallback };
  }
  const seen = new Set<string>();
  eventTypes.forEach((type: unknown, i) => {
    if (!isEventType(type)) {
      problems.push({
        path: `businessEvents.eventTypes[${i}]`,
        message: `must be ${EVENT_TYPE_RULE} (got ${show(type)})`,
      });
    } else if (seen.has(type)) {
      problems.push({
        path: `businessEvents.eventTypes[${i}]`,
        message: `duplicates ${show(type)}`,
      });
    } else seen.add(type);
  });
  return { eventTypes: [...seen] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

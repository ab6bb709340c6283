import type { ConfigProblem } from '../core/observability-config.error';
import { OptionChecks } from '../core/option-checks';
import { MAX_EVENT_TYPES, PRS_EVENT_TYPES } from './business-event.constants';
import type { ResolvedBusinessEventsOptions } from './business-events-options.interface';
import { EVENT_TYPE_RULE, isEventType } from './event-type';

/**
 * Validates the `businessEvents` section, pushing `businessEvents.*` problems onto
 * `problems`, and returns it with defaults applied.
 */
export function resolveBusinessEventsOptions(
  input: unknown,
  problems: ConfigProblem[],
): ResolvedBusinessEventsOptions {
  const c = new OptionChecks(problems);
  const fallback = Object.values(PRS_EVENT_TYPES);
  const o = c.section(input, 'businessEvents', ['eventTypes']);
  if (o === undefined) return { eventTypes: fallback };
  const eventTypes: unknown = o.eventTypes ?? fallback;
  if (
    !c.check(
      Array.isArray(eventTypes) &&
        eventTypes.length > 0 &&
        eventTypes.length <= MAX_EVENT_TYPES,
      'businessEvents.eventTypes',
      `must be an array of 1 to ${MAX_EVENT_TYPES} event types (got ${c.show(eventTypes)})`,
    )
  )
    return { eventTypes: fallback };
  const seen = new Set<string>();
  (eventTypes as unknown[]).forEach((type, i) => {
    const path = `businessEvents.eventTypes[${i}]`;
    if (!isEventType(type))
      c.push(path, `must be ${EVENT_TYPE_RULE} (got ${c.show(type)})`);
    else if (seen.has(type)) c.push(path, `duplicates ${c.show(type)}`);
    else seen.add(type);
  });
  return { eventTypes: [...seen] };
}

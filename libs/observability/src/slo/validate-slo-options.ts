import type { ConfigProblem } from '../core/observability-config.error';
import { KNOWN_HTTP_METHODS } from '../core/http-methods';
import { isRecord, OptionChecks } from '../core/option-checks';
import type {
  ResolvedSloObjective,
  ResolvedSloOptions,
} from './slo-options.interface';
import { parseWindow } from './slo-windows';

const SLO_KEYS = ['service', 'window', 'objectives'];
const OBJECTIVE_KEYS = [
  'name',
  'kind',
  'objective',
  'route',
  'threshold',
  'errorStatuses',
  'window',
];
const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** A Prometheus job name that needs no escaping in a label matcher. */
const SERVICE = /^[A-Za-z0-9_.:-]+$/;
const STATUS = /^[1-5]([0-9]{2}|xx)$/;
const ROUTE = /^([A-Z]+) (\/[^\s"\\{}]*)$/;
const DEFAULT_WINDOW = '30d';

/** `path.` before a key, or nothing at the root (a file of its own). */
const at = (path: string): string => (path === '' ? '' : `${path}.`);

/**
 * Validates a service's objectives (the `slo` module option, or a `slos.yaml` file)
 * against the latency buckets of `prs_http_request_duration_seconds`, pushing every
 * problem under `path`. Routes are checked against the app later, once Nest has
 * registered them (see `unknownSloRoutes`).
 */
export function resolveSloOptions(
  input: unknown,
  buckets: readonly number[],
  problems: ConfigProblem[],
  path = 'slo',
): ResolvedSloOptions | undefined {
  const c = new OptionChecks(problems);
  const slo = c.section(input, path, SLO_KEYS);
  if (slo === undefined) return undefined;
  const service = c.string(slo.service, '', `${at(path)}service`);
  if (slo.service === undefined) c.push(`${at(path)}service`, 'is required');
  else if (service !== '' && !SERVICE.test(service))
    c.push(
      `${at(path)}service`,
      `must be a Prometheus job name: letters, digits, _ . : - (got ${c.show(service)})`,
    );
  const window = windowOf(slo.window ?? DEFAULT_WINDOW, `${at(path)}window`, c);
  if (!Array.isArray(slo.objectives) || slo.objectives.length === 0) {
    c.push(`${at(path)}objectives`, 'must be a non-empty array of objectives');
    return undefined;
  }
  const seen = new Set<string>();
  const objectives = slo.objectives.map((raw: unknown, index) => {
    const where = `${at(path)}objectives[${index}]`;
    const objective = resolveObjective(raw, where, buckets, window, c);
    if (objective !== undefined) {
      if (seen.has(objective.name))
        c.push(`${where}.name`, `duplicates the name "${objective.name}"`);
      seen.add(objective.name);
    }
    return objective;
  });
  return {
    service,
    objectives: objectives.filter(
      (o): o is ResolvedSloObjective => o !== undefined,
    ),
  };
}

function resolveObjective(
  raw: unknown,
  where: string,
  buckets: readonly number[],
  defaultWindow: number,
  c: OptionChecks,
): ResolvedSloObjective | undefined {
  if (!isRecord(raw)) {
    c.push(where, 'must be an object');
    return undefined;
  }
  c.knownKeys(raw, where, OBJECTIVE_KEYS);
  const name = c.string(raw.name, '', `${where}.name`);
  if (raw.name === undefined) c.push(`${where}.name`, 'is required');
  else if (name !== '' && !NAME.test(name))
    c.push(
      `${where}.name`,
      `must be lower-case words joined by "-" (got ${c.show(name)})`,
    );
  const kind = raw.kind;
  if (kind !== 'availability' && kind !== 'latency')
    c.push(
      `${where}.kind`,
      `must be "availability" or "latency" (got ${c.show(kind)})`,
    );
  const objective = raw.objective;
  if (typeof objective !== 'number' || !(objective > 0 && objective < 100))
    c.push(
      `${where}.objective`,
      `must be a percentage above 0 and below 100, e.g. 99.9 (got ${c.show(objective)}): ` +
        'a 100 % objective leaves no error budget to alert on',
    );
  const route = routeOf(raw.route, `${where}.route`, c);
  const threshold =
    kind === 'latency'
      ? thresholdOf(raw.threshold, `${where}.threshold`, buckets, c)
      : notFor(raw.threshold, `${where}.threshold`, 'latency', c);
  const errorStatuses =
    kind === 'latency'
      ? (notFor(
          raw.errorStatuses,
          `${where}.errorStatuses`,
          'availability',
          c,
        ) ?? [])
      : statusesOf(raw.errorStatuses, `${where}.errorStatuses`, c);
  const windowSeconds =
    raw.window === undefined
      ? defaultWindow
      : windowOf(raw.window, `${where}.window`, c);
  return {
    name,
    kind: kind === 'latency' ? 'latency' : 'availability',
    objective: typeof objective === 'number' ? objective : 0,
    route,
    threshold,
    errorStatuses,
    windowSeconds,
  };
}

function windowOf(value: unknown, path: string, c: OptionChecks): number {
  const seconds = typeof value === 'string' ? parseWindow(value) : undefined;
  if (seconds === undefined || seconds < 3 * 24 * 3600) {
    c.push(
      path,
      `must be a duration of at least 3 days, such as "30d" or "4w" (got ${c.show(value)}): ` +
        'the slowest alert tier looks back 3 days',
    );
    return 30 * 24 * 3600;
  }
  return seconds;
}

function routeOf(
  value: unknown,
  path: string,
  c: OptionChecks,
): { method: string; endpoint: string } | undefined {
  if (value === undefined) return undefined;
  const match = typeof value === 'string' ? ROUTE.exec(value) : null;
  if (!match || !KNOWN_HTTP_METHODS.has(match[1] ?? '')) {
    c.push(
      path,
      `must be "METHOD /route/template" as the method and endpoint labels carry it, ` +
        `e.g. "GET /api/deals/:id" (got ${c.show(value)})`,
    );
    return undefined;
  }
  return { method: match[1] ?? '', endpoint: match[2] ?? '' };
}

function thresholdOf(
  value: unknown,
  path: string,
  buckets: readonly number[],
  c: OptionChecks,
): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    c.push(
      path,
      `must be a number of seconds, one of the bucket bounds ${buckets.join(', ')} (got ${c.show(value)})`,
    );
    return undefined;
  }
  if (buckets.includes(value)) return value;
  const below = buckets.filter((b) => b < value).at(-1);
  const above = buckets.find((b) => b > value);
  const nearest = [below, above].filter((b) => b !== undefined).join(' or ');
  c.push(
    path,
    `${value} s is not a bucket bound of prs_http_request_duration_seconds, so the share ` +
      `of requests under it cannot be measured; the nearest bounds are ${nearest} ` +
      '(or add it to http.durationBuckets)',
  );
  return undefined;
}

function statusesOf(value: unknown, path: string, c: OptionChecks): string[] {
  if (value === undefined) return ['5xx'];
  const ok =
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((s) => typeof s === 'string' && STATUS.test(s));
  if (!ok) {
    c.push(
      path,
      `must be a non-empty array of status classes ("5xx") or codes ("429") (got ${c.show(value)})`,
    );
    return ['5xx'];
  }
  return [...new Set(value as string[])];
}

function notFor<T>(
  value: T | undefined,
  path: string,
  kind: string,
  c: OptionChecks,
): undefined {
  if (value !== undefined) c.push(path, `applies to ${kind} objectives only`);
  return undefined;
}

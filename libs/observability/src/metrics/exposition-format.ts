/* Which exposition a scrape gets, and how its Content-Type reads. */

/**
 * `text`: Prometheus text format 0.0.4, what any scraper reads. `openmetrics`: OpenMetrics
 * 1.0.0, the only one of the two that carries exemplars.
 */
export type ExpositionFormat = 'text' | 'openmetrics';

/** The `Content-Type` of each format, as its specification spells it. */
export const EXPOSITION_CONTENT_TYPES: Readonly<
  Record<ExpositionFormat, string>
> = {
  text: 'text/plain; version=0.0.4; charset=utf-8',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
};

const OPENMETRICS_MEDIA_TYPE = 'application/openmetrics-text';
const TEXT_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'text/plain',
  'text/*',
  '*/*',
]);
/** RFC 9110 `qvalue`: 0 to 1 with at most three decimals. */
const Q_VALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

const MAX_ACCEPT_LENGTH = 4096;

/**
 * The format to answer a request with, from its `Accept` header: OpenMetrics when it is
 * accepted (q > 0) at least as much as any text/plain, text/* or *\/* range, else text
 * 0.0.4, also for a header over 4 KB. Linear in the header's length; never throws.
 */
export function negotiateExposition(
  accept: string | undefined,
): ExpositionFormat {
  // Real Accept headers are well under 1 KB; a longer one gets the default unread, so
  // the work per scrape is bounded whatever a hostile client sends.
  if (accept === undefined || accept.length > MAX_ACCEPT_LENGTH) return 'text';
  let openMetrics = 0;
  let text = 0;
  for (const range of accept.split(',')) {
    const [mediaType = '', ...parameters] = range.split(';');
    const type = mediaType.trim().toLowerCase();
    if (type === OPENMETRICS_MEDIA_TYPE)
      openMetrics = Math.max(openMetrics, qualityOf(parameters));
    else if (TEXT_MEDIA_TYPES.has(type))
      text = Math.max(text, qualityOf(parameters));
  }
  return openMetrics > 0 && openMetrics >= text ? 'openmetrics' : 'text';
}

/** A malformed q counts as 0: a client that garbles it gets the safe default. */
function qualityOf(parameters: readonly string[]): number {
  for (const parameter of parameters) {
    const equals = parameter.indexOf('=');
    if (equals < 0 || parameter.slice(0, equals).trim().toLowerCase() !== 'q')
      continue;
    const value = parameter.slice(equals + 1).trim();
    return Q_VALUE.test(value) ? Number(value) : 0;
  }
  return 1;
}

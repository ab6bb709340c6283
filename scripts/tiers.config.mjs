/**
 * Tier table for `scripts/check-tiers.mjs`, lowest tier first.
 *
 * A folder of the source root may import its own files and the folders of
 * strictly lower rows; never a folder of its own row or of a higher one.
 * Files directly in the root (observability.module.ts, index.ts, sdk.ts,
 * register.ts, ...) sit above every row and may import anything.
 *
 * To move a folder, move its name to another row; to add a folder, put its
 * name in a row (the check rejects folders that are in no row).
 */
export default {
  /** Source root checked when no `--root DIR` is given, from the repo root. */
  root: 'libs/observability/src',
  tiers: [
    ['core'],
    ['http', 'sdk'],
    ['instrumentation'],
    // doctor: the status the metrics endpoint serves, and the CLI's checks.
    ['tracing', 'doctor'],
    ['metrics'],
    ['health', 'logging', 'business-events', 'active-users', 'slo'],
    ['cluster'],
    ['options'],
    ['cli'],
    ['testing'],
  ],
};

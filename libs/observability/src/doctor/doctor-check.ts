/** How one check of `prs-observability doctor` ended. */
export type Verdict = 'pass' | 'fail' | 'warn' | 'skip';

/** One finding: what was checked, the verdict, what was found and how to fix it. */
export interface CheckResult {
  /** Stable identifier, e.g. `node-version`, `otel-duplicates`; see README "When nothing shows up". */
  id: string;
  /** What was checked, for humans. */
  title: string;
  verdict: Verdict;
  /** What was found; for `fail` and `warn`, one of the documented messages. */
  message: string;
  /** How to fix it, when the verdict is `fail` or `warn`. */
  fix?: string;
}

/** A passing result. */
export const pass = (
  id: string,
  title: string,
  message: string,
): CheckResult => ({
  id,
  title,
  verdict: 'pass',
  message,
});

/** A failing (or warning) result, its fix taken from the documented message pair. */
export const fail = (
  id: string,
  title: string,
  finding: { message: string; fix: string },
  verdict: 'fail' | 'warn' = 'fail',
): CheckResult => ({ id, title, verdict, ...finding });

/** A check that could not run (nothing to check, or an earlier check failed). */
export const skip = (
  id: string,
  title: string,
  message: string,
): CheckResult => ({
  id,
  title,
  verdict: 'skip',
  message,
});

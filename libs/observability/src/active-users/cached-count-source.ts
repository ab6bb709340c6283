import type { ActiveUsersCountSource } from './active-users-options.interface';

/** Calls that outlived their deadline and have not settled; past this, refreshes pause. */
export const MAX_ABANDONED_CALLS = 3;

/** Why a refresh did not produce a value. */
export type RefreshFailure = 'failed' | 'timeout' | 'invalid' | 'saturated';

/**
 * A count computed elsewhere, read without waiting: {@link read} returns the last
 * good value at once and starts at most one background refresh, which gets an
 * AbortSignal that fires at `timeoutMs`. A late, failed or invalid answer keeps the
 * last value. Calls that ignore the signal and hang are counted; while
 * {@link MAX_ABANDONED_CALLS} of them are pending no new call starts, so a stuck
 * database is not flooded with one more query per scrape.
 */
export class CachedCountSource {
  private value: number | undefined;
  private refreshing = false;
  private abandoned = 0;

  constructor(
    private readonly source: ActiveUsersCountSource,
    private readonly timeoutMs: number,
    private readonly onFailure: (
      reason: RefreshFailure,
      error?: unknown,
    ) => void,
  ) {}

  /** The last good value (`undefined` before the first), after starting a refresh. */
  read(): number | undefined {
    this.refresh();
    return this.value;
  }

  /** Starts a background refresh unless one is running; never throws. */
  refresh(): void {
    if (this.refreshing) return;
    if (this.abandoned >= MAX_ABANDONED_CALLS) {
      this.onFailure('saturated');
      return;
    }
    this.refreshing = true;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.abandoned++;
      this.refreshing = false;
      controller.abort(new Error(`timed out after ${this.timeoutMs} ms`));
      this.onFailure('timeout');
    }, this.timeoutMs);
    timer.unref();
    const settle = () => {
      if (timedOut) {
        this.abandoned--;
        return false;
      }
      clearTimeout(timer);
      this.refreshing = false;
      return true;
    };
    new Promise<number>((resolve) =>
      resolve(this.source(controller.signal)),
    ).then(
      (value) => {
        if (!settle()) return;
        if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
          this.value = value;
        } else this.onFailure('invalid', value);
      },
      (error: unknown) => {
        if (settle()) this.onFailure('failed', error);
      },
    );
  }
}

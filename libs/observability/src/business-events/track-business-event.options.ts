/** `status` label of `prs_business_events_total`. */
export type BusinessEventStatus = 'success' | 'failure';

/**
 * How one tracked call ended: it returned (or resolved, or its observable completed)
 * with `value`, or it threw (or rejected, or its observable errored) with `error`.
 * For an observable, `value` is the last value emitted before completion (`undefined` if none).
 */
export type BusinessEventOutcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: unknown };

/** Extra attributes of a business event's span event; values are primitives. */
export type BusinessEventAttributes = Readonly<
  Record<string, string | number | boolean>
>;

/** Options of {@link TrackBusinessEvent}. */
export interface TrackBusinessEventOptions {
  /**
   * Decides the `status` of one call; return `undefined` to keep the default.
   * By default a returned value is a success and a thrown error is a failure,
   * including 4xx `HttpException`s: a rejected login or an invalid deal is a failed
   * business event, which is what `HighLoginFailureRate` alerts on. If it throws, the
   * default applies and the problem is logged (rate-limited); the call is unaffected.
   * @default undefined (returned → success, thrown → failure)
   * @example
   * ```ts
   * // A login that returns false failed; a 4xx is the client's fault, not a failure.
   * classify: (o) =>
   *   o.ok ? (o.value === false ? 'failure' : 'success')
   *        : o.error instanceof HttpException && o.error.getStatus() < 500 ? 'success' : 'failure'
   * ```
   */
  classify?: (
    outcome: BusinessEventOutcome,
    args: readonly unknown[],
  ) => BusinessEventStatus | undefined;
  /**
   * Extra attributes of the span event (never metric labels: extra labels would split
   * the series that alerts such as `HighLoginFailureRate` evaluate one by one).
   * A function receives the call's arguments. At most 8 are kept, strings are cut to
   * 128 characters, and non-primitive values are dropped.
   * @default undefined
   */
  attributes?:
    | BusinessEventAttributes
    | ((args: readonly unknown[]) => BusinessEventAttributes);
  /**
   * Add a `business_event` event (`business_event.type`, `business_event.status`,
   * `error.type` on failure, plus `attributes`) to the span active when the method was called.
   * @default true
   */
  spanEvent?: boolean;
}

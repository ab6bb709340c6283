/** Options of the `businessEvents` section of `ObservabilityModule.forRoot()`. */
export interface BusinessEventsOptions {
  /**
   * The values `prs_business_events_total{event_type}` may take. `@TrackBusinessEvent()`
   * on a Nest provider or controller with an event type not listed here fails the
   * bootstrap; any other undeclared event type (for example a dynamic one passed to
   * `BusinessEvents.track()`) is recorded as `event_type="__undeclared__"` and logged.
   * Each value is snake_case (`/^[a-z][a-z0-9_]*$/`, at most 64 characters); at most 100.
   * @default ['user_login', 'deal_creation', 'payment_processing', 'commission_calculation']
   */
  eventTypes?: string[];
}

/** {@link BusinessEventsOptions} after validation, with defaults applied. */
export interface ResolvedBusinessEventsOptions {
  eventTypes: string[];
}

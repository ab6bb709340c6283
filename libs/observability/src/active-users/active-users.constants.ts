/** Monotonic milliseconds; only differences between readings matter. */
export type ActiveUsersClock = () => number;

/**
 * Injection token of the {@link ActiveUsersClock} the active-user window reads. Override it in
 * tests (`Test.createTestingModule(...).overrideProvider(ACTIVE_USERS_CLOCK)`) to move
 * time without waiting.
 */
export const ACTIVE_USERS_CLOCK = 'OBSERVABILITY:ACTIVE_USERS_CLOCK';

/** Longer user ids are cut to this many characters before tracking. */
export const MAX_USER_ID_LENGTH = 256;

/** The default {@link UserIdExtractor}: `request.user.id`. */
export function defaultExtractUserId(
  request: unknown,
): string | number | undefined {
  const user = (request as { user?: { id?: unknown } } | null | undefined)
    ?.user;
  const id = user?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

/** Defaults of the `activeUsers` options; the README's option table mirrors them. */
export const DEFAULT_ACTIVE_USERS_OPTIONS = {
  windowMs: 30 * 60 * 1000,
  maxTracked: 10_000,
  sourceTimeoutMs: 2_000,
} as const;

/** Injection token of the active users options slice. */
export const ACTIVE_USERS_OPTIONS = 'OBSERVABILITY:ACTIVE_USERS_OPTIONS';

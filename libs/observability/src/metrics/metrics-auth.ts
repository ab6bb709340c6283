import { createHash, timingSafeEqual } from 'node:crypto';
import type { MetricsAuthOptions } from './metrics-options.interface';

/** Checks an `Authorization` header against the configured credentials in constant time. */
export type AuthorizationCheck = (header: string | undefined) => boolean;

/** Builds the check for `auth`; without auth every request is allowed. */
export function createAuthorizationCheck(
  auth: MetricsAuthOptions | undefined,
): AuthorizationCheck {
  if (auth === undefined) return () => true;
  const [scheme, credentials] =
    'bearerToken' in auth
      ? ['bearer', auth.bearerToken]
      : [
          'basic',
          Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString(
            'base64',
          ),
        ];
  // Comparing digests keeps lengths equal, so timingSafeEqual never throws or leaks length.
  const expected = digest(credentials);
  return (header) => {
    if (typeof header !== 'string') return false;
    const space = header.indexOf(' ');
    if (space <= 0 || header.slice(0, space).toLowerCase() !== scheme)
      return false;
    return timingSafeEqual(digest(header.slice(space + 1).trim()), expected);
  };
}

/** `WWW-Authenticate` challenge for the configured scheme. */
export function authChallenge(auth: MetricsAuthOptions): string {
  return 'bearerToken' in auth
    ? 'Bearer realm="metrics"'
    : 'Basic realm="metrics", charset="UTF-8"';
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

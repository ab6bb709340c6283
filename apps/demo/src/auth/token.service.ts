import { createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type DemoConfig, DEMO_CONFIG } from '../config/demo-config';
import type { AuthUser, Role } from './auth.types';

/** Why a token was refused; logged as the security event's `reason`. */
export type TokenProblem = 'malformed' | 'bad_signature' | 'expired';

const TTL_SECONDS = 3_600;
const SHAPE =
  /^v1\.(\d{1,10})\.(sales|manager)\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/**
 * A small signed token: `v1.<userId>.<role>.<expiry>.<HMAC-SHA256>` with the secret
 * from `DEMO_TOKEN_SECRET` (random per process when unset, so tokens die with it).
 * Not a JWT on purpose: nothing to configure, nothing to install.
 */
@Injectable()
export class TokenService {
  constructor(@Inject(DEMO_CONFIG) private readonly config: DemoConfig) {}

  issue(
    user: AuthUser,
    now = Date.now(),
  ): { token: string; expiresAt: string } {
    const expiry = Math.floor(now / 1000) + TTL_SECONDS;
    const payload = `v1.${user.id}.${user.role}.${expiry}`;
    return {
      token: `${payload}.${this.sign(payload)}`,
      expiresAt: new Date(expiry * 1000).toISOString(),
    };
  }

  verify(token: string, now = Date.now()): AuthUser | TokenProblem {
    const match = SHAPE.exec(token);
    if (!match) return 'malformed';
    const [, id = '', role = '', expiry = '', signature = ''] = match;
    const expected = Buffer.from(this.sign(`v1.${id}.${role}.${expiry}`));
    const actual = Buffer.from(signature);
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected))
      return 'bad_signature';
    if (Number(expiry) * 1000 <= now) return 'expired';
    return { id: Number(id), role: role as Role };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.config.tokenSecret)
      .update(payload)
      .digest('base64url');
  }
}

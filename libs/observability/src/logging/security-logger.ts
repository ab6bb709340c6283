import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { LogPipeline, WriteLevel } from './log-pipeline';
import { LOG_PIPELINE } from './logging.constants';
import { requestStorage } from '../core/request-context';
import { pathOf } from '../core/path-of';
import { sanitize } from './sanitize';

/** Details of a security event; values are redacted and capped like any logged field. */
export interface SecurityEventDetails {
  /** Short machine-readable cause, e.g. `bad_password`, `expired`, `missing_role`. */
  reason?: string;
  /** Opaque id of the acting user, when known (never an e-mail or a name). */
  userId?: string | number;
  /**
   * The login name that was tried. Logged only as `username_hash` (SHA-256, 16 hex),
   * so repeated attempts on one account can be grouped without storing the name.
   */
  username?: string;
  /** Anything else worth keeping; logged under `details`. */
  [key: string]: unknown;
}

const storage = requestStorage();
const EVENT_TYPE = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * Writes `security` channel events: one JSON line with `logger: "security"`,
 * `channel: "security"` and `event_type`, to the main stream and, when
 * `logging.files.security` is set, to that file too (the guide's security index).
 * The current request's method, path, client ip and user agent are added.
 */
@Injectable()
export class SecurityLogger {
  constructor(@Inject(LOG_PIPELINE) private readonly pipeline: LogPipeline) {}

  /** A failed login (`event_type: "login_failed"`). */
  loginFailed(details: SecurityEventDetails = {}): void {
    this.event('login_failed', details, 'warn');
  }

  /** A request refused for lack of permission (`event_type: "authorization_denied"`). */
  accessDenied(details: SecurityEventDetails = {}): void {
    this.event('authorization_denied', details, 'warn');
  }

  /** A malformed, expired or forged token (`event_type: "invalid_token"`). */
  invalidToken(details: SecurityEventDetails = {}): void {
    this.event('invalid_token', details, 'warn');
  }

  /** Any other security event; `eventType` is lower_snake_case (else logged as `other`). */
  event(
    eventType: string,
    details: SecurityEventDetails = {},
    level: WriteLevel = 'warn',
  ): void {
    try {
      if (!this.pipeline.isLevelEnabled(level)) return;
      const r = this.pipeline.redactor;
      const { reason, userId, username, ...rest } = details;
      const type = EVENT_TYPE.test(eventType) ? eventType : 'other';
      const fields: Record<string, unknown> = { event_type: type };
      if (reason !== undefined) fields.reason = r.text(String(reason));
      if (userId !== undefined) fields.user = String(userId).slice(0, 128);
      if (typeof username === 'string') fields.username_hash = hash(username);
      if (Object.keys(rest).length > 0) fields.details = sanitize(r, rest);
      const request = this.request();
      if (request !== undefined) fields.request = request;
      this.pipeline.writeSecurity(level, fields, `Security event: ${type}`);
    } catch {
      // a security event must never break the authentication path that reports it
    }
  }

  private request(): Record<string, unknown> | undefined {
    const store = storage.getStore();
    const req = store?.req;
    if (store === undefined || req === undefined) return undefined;
    const r = this.pipeline.redactor;
    const userAgent = req.headers['user-agent'];
    return {
      method: r.text(req.method ?? 'UNKNOWN'),
      path: r.text(pathOf(req.url)),
      ip:
        this.pipeline.clientIp(
          store.remoteAddress,
          req.headers['x-forwarded-for'],
        ) ?? null,
      user_agent: userAgent === undefined ? null : r.text(userAgent),
    };
  }
}

function hash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 16);
}

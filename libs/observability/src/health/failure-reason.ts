import type { SecretRedactor } from './secret-redactor';

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNABORTED: 'connection aborted',
  ESOCKET: 'connection failed',
  ECONNECTION: 'connection failed',
  EAUTH: 'authentication failed',
  ETLS: 'TLS negotiation failed',
  EENVELOPE: 'SMTP envelope rejected',
};

// SQLSTATE classes and codes worth naming; others show as "database error <code>".
const SQLSTATE_REASONS: Record<string, string> = {
  '28P01': 'authentication failed',
  '28000': 'authorization rejected',
  '3D000': 'database does not exist',
  '53300': 'too many connections',
  '57P01': 'server is shutting down',
  '57P03': 'server is not accepting connections yet',
  '57014': 'query canceled',
};

const MESSAGE_REASONS: [RegExp, string][] = [
  [
    /timeout exceeded when trying to connect|connection timeout/i,
    'connection timed out',
  ],
  [
    /connection terminated|connection is closed|socket closed|socket hang up/i,
    'connection closed',
  ],
];

/**
 * A short, safe reason for a failed check: a fixed phrase for known network, SQLSTATE
 * and driver errors, otherwise the error's name and redacted message. Never `str(e)`.
 */
export function failureReason(
  error: unknown,
  redactor: SecretRedactor,
): string {
  if (!(error instanceof Error))
    return redactor.redact(`check failed: ${String(error)}`);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    const known = NETWORK_REASONS[code] ?? SQLSTATE_REASONS[code];
    if (known !== undefined) return known;
    if (/^([0-9][0-9A-Z]{4}|(HV|P0|XX)[0-9A-Z]{3})$/.test(code))
      return `database error ${code}`;
    if (/^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return `failed (${code})`;
  }
  for (const [pattern, reason] of MESSAGE_REASONS)
    if (pattern.test(error.message)) return reason;
  const status = (error as { $metadata?: { httpStatusCode?: unknown } })
    .$metadata?.httpStatusCode;
  if (typeof status === 'number') return httpReason(status);
  return redactor.redact(`${error.name}: ${error.message}`);
}

function httpReason(status: number): string {
  if (status === 404) return 'not found (HTTP 404)';
  if (status === 403) return 'access denied (HTTP 403)';
  if (status === 401) return 'unauthorized (HTTP 401)';
  return `HTTP ${status}`;
}

const MASK = '***';
const URL_RE = /\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>]+/gi;
const KEY_VALUE_RE =
  /\b(password|passwd|pwd|pass|secret|token|api[_-]?key|access[_-]?key|secret[_-]?access[_-]?key|authorization)(["']?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&)\]}'"]+)/gi;
const AUTH_SCHEME_RE = /\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const IPV4_RE = /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b/g;
const MAX_LENGTH = 200;

/**
 * Masks what must never reach a health body or a log line: the configured secrets
 * (passwords, tokens, connection strings), any URL, `password=...`-style pairs,
 * bearer/basic credentials and IP addresses. The guide's checks returned `str(e)`,
 * which carries hosts and credentials straight from the driver.
 */
export class SecretRedactor {
  private readonly secrets: string[];

  constructor(secrets: Iterable<string | undefined>) {
    // Longest first, so a secret containing another is masked whole.
    this.secrets = [
      ...new Set(
        [...secrets].filter(
          (s): s is string => typeof s === 'string' && s.length >= 3,
        ),
      ),
    ].sort((a, b) => b.length - a.length);
  }

  /** The masked, length-bounded text. */
  redact(text: string): string {
    let out = text
      .replace(URL_RE, '[url]')
      .replace(AUTH_SCHEME_RE, `$1 ${MASK}`)
      .replace(KEY_VALUE_RE, `$1$2${MASK}`);
    for (const secret of this.secrets) out = out.split(secret).join(MASK);
    out = out.replace(IPV4_RE, '[host]');
    return out.length > MAX_LENGTH ? `${out.slice(0, MAX_LENGTH - 3)}...` : out;
  }

  /** A copy of `data` with every string value redacted (nested objects and arrays included). */
  redactData(data: Record<string, unknown>): Record<string, unknown> {
    return this.walk(data, 0) as Record<string, unknown>;
  }

  private walk(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (depth > 4 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => this.walk(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = this.walk(v, depth + 1);
    return out;
  }
}

/** The password inside a connection string (`scheme://user:password@host`), if any. */
export function passwordOf(
  connectionString: string | undefined,
): string | undefined {
  if (connectionString === undefined) return undefined;
  try {
    const password = new URL(connectionString).password;
    return password === '' ? undefined : decodeURIComponent(password);
  } catch {
    return undefined;
  }
}

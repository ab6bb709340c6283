/** What replaces a redacted value. */
export const REDACTED = '[REDACTED]';

// Matched whole, in any letter case: the credential headers and short names.
const EXACT_KEYS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'auth',
  'pin',
  'cvv',
  'cvc',
  'ssn',
];
// Matched inside keys lower-cased with `-`, `_`, `.` and spaces removed:
// `refreshToken`, `client_secret`, `X-Auth-Token`, `new-password`, `api.key`.
const KEY_PATTERN =
  /passw|passphrase|pwd|secret|token|apikey|credential|privatekey|signature|cookie|authorization|sessionid|cardnumber|creditcard/;
// Query parameters that carry credentials under generic names.
const QUERY_KEYS = new Set(['code', 'sig', 'key', 'jwt', 'session']);
// Credentials inside free text: exception messages, URLs in messages.
const TEXT_PATTERNS: [RegExp, string][] = [
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [
    /([?&;](?:access_token|refresh_token|id_token|token|signature|sig|api_key|apikey|password|secret|client_secret|code|x-amz-signature|x-amz-credential|x-amz-security-token)=)[^&\s#"'<>]*/gi,
    `$1${REDACTED}`,
  ],
];
const CACHE_LIMIT = 1000;

/**
 * Decides which keys are credentials, and caps and scrubs strings. Keys are checked
 * case-insensitively, so `Authorization`, `AUTHORIZATION` and `authorization` are
 * all caught wherever they sit in an object.
 */
export class Redactor {
  private readonly exact: Set<string>;
  private readonly verdicts = new Map<string, boolean>();

  constructor(
    extra: readonly string[],
    readonly maxLength: number,
  ) {
    this.exact = new Set([...EXACT_KEYS, ...extra.map((k) => k.toLowerCase())]);
  }

  /** Whether the value under `key` must not be logged. */
  isSensitive(key: string): boolean {
    let verdict = this.verdicts.get(key);
    if (verdict === undefined) {
      const lower = key.toLowerCase();
      verdict =
        this.exact.has(lower) ||
        KEY_PATTERN.test(lower.replace(/[-_.\s]/g, ''));
      if (this.verdicts.size >= CACHE_LIMIT) this.verdicts.clear();
      this.verdicts.set(key, verdict);
    }
    return verdict;
  }

  /** `text` capped at `maxLength` characters, with credentials in it replaced. */
  text(text: string): string {
    const capped =
      text.length > this.maxLength
        ? `${text.slice(0, this.maxLength)}...[truncated ${text.length - this.maxLength} chars]`
        : text;
    return scrub(capped);
  }

  /** A raw query string with the values of credential parameters replaced. */
  query(query: string): string {
    const bounded =
      query.length > this.maxLength ? query.slice(0, this.maxLength) : query;
    const pairs = bounded.split('&').map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return pair;
      const rawKey = pair.slice(0, eq);
      const key = decode(rawKey);
      const value = decode(pair.slice(eq + 1));
      // A value holding a credential in encoded form (`next=https%3A...%3Ftoken%3D...`) goes whole.
      return this.isSensitive(key) ||
        QUERY_KEYS.has(key.toLowerCase()) ||
        scrub(value) !== value
        ? `${rawKey}=${REDACTED}`
        : pair;
    });
    // Pairs are clean now; only the cap is left to apply.
    const joined = pairs.join('&');
    return joined.length > this.maxLength ? this.text(joined) : joined;
  }
}

// Every TEXT_PATTERNS match contains one of these; most text contains none.
const MAYBE_CREDENTIAL = /bearer|basic|=/i;

function scrub(text: string): string {
  if (!MAYBE_CREDENTIAL.test(text)) return text;
  let out = text;
  for (const [pattern, replacement] of TEXT_PATTERNS)
    out = out.replace(pattern, replacement);
  return out;
}

function decode(component: string): string {
  if (!component.includes('%') && !component.includes('+')) return component;
  try {
    return decodeURIComponent(component.replace(/\+/g, ' '));
  } catch {
    return component;
  }
}

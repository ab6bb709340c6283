/**
 * Kinds of token produced by {@link SqlTokenizer}.
 *
 * - `word`: unquoted identifier or keyword (`select`, `table1`, `a$b`)
 * - `ident`: double-quoted identifier (`"My Table"`, `U&"d\0061t"`)
 * - `string`: any string literal: `'..'`, `E'..'`, `B'..'`, `X'..'`, `N'..'`,
 *   `U&'..'`, `$$..$$`, `$tag$..$tag$`
 * - `number`: numeric literal (`42`, `1.5e-3`, `.5`, `0x1F`, `1_000`)
 * - `param`: positional parameter (`$1`)
 * - `punct`: any other single character (operators, parentheses, commas...)
 * - `space`, `comment`: trivia (`--` line and nested block comments)
 */
export type SqlTokenKind =
  | 'word'
  | 'ident'
  | 'string'
  | 'number'
  | 'param'
  | 'punct'
  | 'space'
  | 'comment'
  | 'eof';

const enum Ch {
  Tab = 9,
  Cr = 13,
  Space = 32,
  DoubleQuote = 34,
  Dollar = 36,
  Ampersand = 38,
  Quote = 39,
  LeftParen = 40,
  RightParen = 41,
  Star = 42,
  Plus = 43,
  Dash = 45,
  Dot = 46,
  Slash = 47,
  Digit0 = 48,
  Digit9 = 57,
  Backslash = 92,
  Underscore = 95,
  LowerA = 97,
  LowerB = 98,
  LowerE = 101,
  LowerN = 110,
  LowerO = 111,
  LowerU = 117,
  LowerX = 120,
  LowerZ = 122,
}

const isSpace = (c: number): boolean =>
  c === Ch.Space || (c >= Ch.Tab && c <= Ch.Cr);
const isDigit = (c: number): boolean => c >= Ch.Digit0 && c <= Ch.Digit9;
/** ASCII letter (case-folded), underscore, or any non-ASCII char (Postgres allows those in identifiers). */
const isIdentStart = (c: number): boolean =>
  ((c | 0x20) >= Ch.LowerA && (c | 0x20) <= Ch.LowerZ) ||
  c === Ch.Underscore ||
  c >= 0x80;
const isIdentChar = (c: number): boolean =>
  isIdentStart(c) || isDigit(c) || c === Ch.Dollar;

/**
 * A small, allocation-free, single-pass PostgreSQL lexer: {@link next} moves to the next token and
 * exposes it through `kind`, `start`, `end` (offsets into `text`) and `unterminated`. Every branch
 * only moves forward, so tokenizing is O(n) whatever the input (no regular expressions involved).
 */
export class SqlTokenizer {
  kind: SqlTokenKind = 'eof';
  start = 0;
  end = 0;
  /** The current string, quoted identifier or block comment has no closing delimiter. */
  unterminated = false;
  /** Parenthesis nesting level after the current token (a `(` token is one level deeper). */
  depth = 0;

  constructor(readonly text: string) {}

  /** Advances to the next token, trivia included. */
  next(): SqlTokenKind {
    const s = this.text;
    const i = this.end;
    this.start = i;
    this.unterminated = false;
    if (i >= s.length) return this.emit('eof', i);
    const c = s.charCodeAt(i);
    const c1 = s.charCodeAt(i + 1);
    if (isSpace(c)) {
      let j = i + 1;
      while (j < s.length && isSpace(s.charCodeAt(j))) j++;
      return this.emit('space', j);
    }
    if (c === Ch.Dash && c1 === Ch.Dash) {
      const nl = s.indexOf('\n', i);
      return this.emit('comment', nl < 0 ? s.length : nl);
    }
    if (c === Ch.Slash && c1 === Ch.Star) return this.blockComment(i + 2);
    if (c === Ch.Quote) return this.quoted('string', i + 1, Ch.Quote, false);
    if (c === Ch.DoubleQuote)
      return this.quoted('ident', i + 1, Ch.DoubleQuote, false);
    if (c === Ch.Dollar) return this.dollar(i, c1);
    if (isDigit(c) || (c === Ch.Dot && isDigit(c1)))
      return this.number(i, c, c1);
    if (isIdentStart(c)) return this.word(i, c, c1);
    if (c === Ch.LeftParen) this.depth++;
    else if (c === Ch.RightParen) this.depth--;
    return this.emit('punct', i + 1);
  }

  /** Advances to the next token that is neither whitespace nor a comment. */
  nextSignificant(): SqlTokenKind {
    while (this.next() === 'space' || this.kind === 'comment');
    return this.kind;
  }

  /** The current token is the (lower-case) keyword `kw`, compared case-insensitively without allocating. */
  is(kw: string): boolean {
    if (this.kind !== 'word' || this.end - this.start !== kw.length)
      return false;
    for (let k = 0; k < kw.length; k++) {
      if ((this.text.charCodeAt(this.start + k) | 0x20) !== kw.charCodeAt(k))
        return false;
    }
    return true;
  }

  /** The current token is the punctuation character `ch`. */
  isPunct(ch: string): boolean {
    return (
      this.kind === 'punct' &&
      this.text.charCodeAt(this.start) === ch.charCodeAt(0)
    );
  }

  private emit(kind: SqlTokenKind, end: number): SqlTokenKind {
    this.kind = kind;
    this.end = Math.min(end, this.text.length);
    return kind;
  }

  private blockComment(from: number): SqlTokenKind {
    const s = this.text;
    let nesting = 1;
    for (let j = from; j < s.length; j++) {
      const c = s.charCodeAt(j);
      const c1 = s.charCodeAt(j + 1);
      if (c === Ch.Slash && c1 === Ch.Star) {
        nesting++;
        j++;
      } else if (c === Ch.Star && c1 === Ch.Slash) {
        j++;
        if (--nesting === 0) return this.emit('comment', j + 1);
      }
    }
    this.unterminated = true;
    return this.emit('comment', s.length);
  }

  /** Body of a quoted token: a doubled quote is an escaped quote, `\x` too when `backslash`. */
  private quoted(
    kind: SqlTokenKind,
    from: number,
    quote: number,
    backslash: boolean,
  ): SqlTokenKind {
    const s = this.text;
    for (let j = from; j < s.length; j++) {
      const c = s.charCodeAt(j);
      if (backslash && c === Ch.Backslash) j++;
      else if (c === quote) {
        if (s.charCodeAt(j + 1) !== quote) return this.emit(kind, j + 1);
        j++;
      }
    }
    this.unterminated = true;
    return this.emit(kind, s.length);
  }

  /** `$1` parameter, `$$..$$` / `$tag$..$tag$` string, or a lone `$`. */
  private dollar(i: number, c1: number): SqlTokenKind {
    const s = this.text;
    if (isDigit(c1)) {
      let j = i + 2;
      while (isDigit(s.charCodeAt(j))) j++;
      return this.emit('param', j);
    }
    let j = i + 1;
    if (isIdentStart(c1)) {
      j++;
      while (isIdentStart(s.charCodeAt(j)) || isDigit(s.charCodeAt(j))) j++;
    }
    if (s.charCodeAt(j) !== Ch.Dollar) return this.emit('punct', i + 1);
    const tag = s.slice(i, j + 1);
    const close = s.indexOf(tag, j + 1);
    if (close >= 0) return this.emit('string', close + tag.length);
    this.unterminated = true;
    return this.emit('string', s.length);
  }

  /** Integer, decimal, exponent, `0x`/`0o`/`0b` literals, `_` digit separators (Postgres 16). */
  private number(i: number, c: number, c1: number): SqlTokenKind {
    const s = this.text;
    const radix = c1 | 0x20;
    let j = i;
    if (
      c === Ch.Digit0 &&
      (radix === Ch.LowerX || radix === Ch.LowerO || radix === Ch.LowerB)
    ) {
      if (isIdentChar(s.charCodeAt(i + 2))) {
        j = i + 2;
        while (isIdentChar(s.charCodeAt(j))) j++;
        return this.emit('number', j);
      }
    }
    const digits = (): void => {
      while (isDigit(s.charCodeAt(j)) || s.charCodeAt(j) === Ch.Underscore) j++;
    };
    digits();
    if (s.charCodeAt(j) === Ch.Dot && s.charCodeAt(j + 1) !== Ch.Dot) {
      j++;
      digits();
    }
    if ((s.charCodeAt(j) | 0x20) === Ch.LowerE) {
      const sign = s.charCodeAt(j + 1);
      const k = sign === Ch.Plus || sign === Ch.Dash ? j + 2 : j + 1;
      if (isDigit(s.charCodeAt(k))) {
        j = k;
        digits();
      }
    }
    return this.emit('number', j);
  }

  /** Keyword or identifier, unless it is the prefix of a string (`E'..'`, `U&'..'`...). */
  private word(i: number, c: number, c1: number): SqlTokenKind {
    const s = this.text;
    const lower = c | 0x20;
    if (c1 === Ch.Quote) {
      if (lower === Ch.LowerE)
        return this.quoted('string', i + 2, Ch.Quote, true);
      if (lower === Ch.LowerB || lower === Ch.LowerX || lower === Ch.LowerN) {
        return this.quoted('string', i + 2, Ch.Quote, false);
      }
    }
    if (lower === Ch.LowerU && c1 === Ch.Ampersand) {
      const q = s.charCodeAt(i + 2);
      if (q === Ch.Quote) return this.quoted('string', i + 3, q, false);
      if (q === Ch.DoubleQuote) return this.quoted('ident', i + 3, q, false);
    }
    let j = i + 1;
    while (j < s.length && isIdentChar(s.charCodeAt(j))) j++;
    return this.emit('word', j);
  }
}

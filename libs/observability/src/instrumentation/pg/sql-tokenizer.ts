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

const STAR = 42;
const SLASH = 47;
const BACKSLASH = 92;

// Character classes, on char codes (`NaN` past the end of the text matches none of them).
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
/** ASCII letter, `_`, or any non-ASCII character (Postgres accepts those in identifiers). */
const isIdentStart = (c: number): boolean =>
  ((c | 0x20) >= 97 && (c | 0x20) <= 122) || c === 95 || c >= 0x80;
const isTagChar = (c: number): boolean => isIdentStart(c) || isDigit(c);
const isIdentChar = (c: number): boolean => isTagChar(c) || c === 36; // `$`
const isNumberChar = (c: number): boolean => isDigit(c) || c === 95; // `1_000`
const oneOf = (ch: string, chars: string): boolean =>
  ch !== '' && chars.includes(ch);

/**
 * A small single-pass PostgreSQL lexer: {@link next} moves to the next token and exposes it through
 * `kind`, `start`, `end` (offsets into `text`), `unterminated` and `depth`. Every branch only moves
 * forward and no regular expression is involved, so tokenizing is O(n) whatever the input; it
 * allocates nothing but dollar-quote tags.
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
    const ch = s.charAt(i);
    const ch1 = s.charAt(i + 1);
    if (isSpace(c)) {
      let j = i + 1;
      while (isSpace(s.charCodeAt(j))) j++; // hot loop: inlined, as for words
      return this.emit('space', j);
    }
    if (ch === '-' && ch1 === '-') {
      const nl = s.indexOf('\n', i);
      return this.emit('comment', nl < 0 ? s.length : nl);
    }
    if (ch === '/' && ch1 === '*') return this.blockComment(i + 2);
    if (ch === "'") return this.quoted('string', i + 1);
    if (ch === '"') return this.quoted('ident', i + 1);
    if (ch === '$') return this.dollar(i);
    if (isDigit(c) || (ch === '.' && isDigit(s.charCodeAt(i + 1)))) {
      return this.number(i);
    }
    if (isIdentStart(c)) return this.word(i);
    if (ch === '(') this.depth++;
    else if (ch === ')') this.depth--;
    return this.emit('punct', i + 1);
  }

  /** Advances to the next token that is neither whitespace nor a comment. */
  nextSignificant(): SqlTokenKind {
    while (this.next() === 'space' || this.kind === 'comment');
    return this.kind;
  }

  /** The current token is the lower-case keyword `kw`, compared case-insensitively (no allocation). */
  is(kw: string): boolean {
    const { text, start } = this;
    if (this.kind !== 'word' || this.end - start !== kw.length) return false;
    for (let k = 0; k < kw.length; k++) {
      if ((text.charCodeAt(start + k) | 0x20) !== kw.charCodeAt(k))
        return false;
    }
    return true;
  }

  /** The current token is the punctuation character `ch`. */
  isPunct(ch: string): boolean {
    return this.kind === 'punct' && this.text.charAt(this.start) === ch;
  }

  /**
   * Name of the current `word` / `ident` token as Postgres sees it: unquoted words folded to lower
   * case (ASCII only, like Postgres), quoted ones unquoted with `""` unescaped (`U&` escapes are
   * kept as written). `undefined` for any other token.
   */
  identifier(): string | undefined {
    const { kind, text, start, end } = this;
    if (kind === 'word') {
      return text.slice(start, end).replace(/[A-Z]+/g, (m) => m.toLowerCase());
    }
    if (kind !== 'ident') return undefined;
    const open = text.charAt(start) === '"' ? start + 1 : start + 3; // `"` or `U&"`
    const close = this.unterminated ? end : end - 1;
    return text.slice(open, close).replaceAll('""', '"');
  }

  private emit(kind: SqlTokenKind, end: number): SqlTokenKind {
    this.kind = kind;
    this.end = Math.min(end, this.text.length);
    return kind;
  }

  /** First offset from `from` whose character is not in `charClass`. */
  private skip(from: number, charClass: (c: number) => boolean): number {
    let j = from;
    while (charClass(this.text.charCodeAt(j))) j++;
    return j;
  }

  private blockComment(from: number): SqlTokenKind {
    const s = this.text;
    let nesting = 1;
    for (let j = from; j < s.length; j++) {
      const c = s.charCodeAt(j);
      const c1 = s.charCodeAt(j + 1);
      if (c === SLASH && c1 === STAR) {
        nesting++;
        j++;
      } else if (c === STAR && c1 === SLASH) {
        j++;
        if (--nesting === 0) return this.emit('comment', j + 1);
      }
    }
    this.unterminated = true;
    return this.emit('comment', s.length);
  }

  /**
   * Body of a quoted token, whose opening quote is just before `from`: a doubled quote is an
   * escaped quote, and so is `\'` when `backslash` (E'..' strings).
   */
  private quoted(
    kind: SqlTokenKind,
    from: number,
    backslash = false,
  ): SqlTokenKind {
    const s = this.text;
    const quote = s.charCodeAt(from - 1);
    for (let j = from; j < s.length; j++) {
      const c = s.charCodeAt(j);
      if (backslash && c === BACKSLASH) j++;
      else if (c === quote && s.charCodeAt(++j) !== quote) {
        return this.emit(kind, j);
      }
    }
    this.unterminated = true;
    return this.emit(kind, s.length);
  }

  /** `$1` parameter, `$$..$$` / `$tag$..$tag$` string, or a lone `$`. */
  private dollar(i: number): SqlTokenKind {
    const s = this.text;
    const c1 = s.charCodeAt(i + 1);
    if (isDigit(c1)) return this.emit('param', this.skip(i + 2, isDigit));
    const tagEnd = isIdentStart(c1) ? this.skip(i + 2, isTagChar) : i + 1;
    if (s.charAt(tagEnd) !== '$') return this.emit('punct', i + 1);
    const tag = s.slice(i, tagEnd + 1);
    const close = s.indexOf(tag, tagEnd + 1);
    if (close >= 0) return this.emit('string', close + tag.length);
    this.unterminated = true;
    return this.emit('string', s.length);
  }

  /** Integer, decimal, exponent, `0x`/`0o`/`0b` literals, `_` digit separators (Postgres 16). */
  private number(i: number): SqlTokenKind {
    const s = this.text;
    const radix = s.charAt(i + 1);
    const hasRadix = s.charAt(i) === '0' && oneOf(radix, 'xXoObB');
    if (hasRadix && isIdentChar(s.charCodeAt(i + 2))) {
      return this.emit('number', this.skip(i + 2, isIdentChar));
    }
    let j = this.skip(i, isNumberChar);
    if (s.charAt(j) === '.' && s.charAt(j + 1) !== '.') {
      j = this.skip(j + 1, isNumberChar);
    }
    if (s.charAt(j) === 'e' || s.charAt(j) === 'E') {
      const sign = s.charAt(j + 1);
      const k = sign === '+' || sign === '-' ? j + 2 : j + 1;
      if (isDigit(s.charCodeAt(k))) j = this.skip(k, isNumberChar);
    }
    return this.emit('number', j);
  }

  /** Keyword or identifier, unless it is the prefix of a string (`E'..'`, `U&'..'`...). */
  private word(i: number): SqlTokenKind {
    const s = this.text;
    const ch = s.charAt(i);
    const ch1 = s.charAt(i + 1);
    if (ch1 === "'" && oneOf(ch, 'eE'))
      return this.quoted('string', i + 2, true);
    if (ch1 === "'" && oneOf(ch, 'bBxXnN')) return this.quoted('string', i + 2);
    if (ch1 === '&' && oneOf(ch, 'uU')) {
      const quote = s.charAt(i + 2);
      if (quote === "'") return this.quoted('string', i + 3);
      if (quote === '"') return this.quoted('ident', i + 3);
    }
    let j = i + 1;
    while (isIdentChar(s.charCodeAt(j))) j++;
    return this.emit('word', j);
  }
}

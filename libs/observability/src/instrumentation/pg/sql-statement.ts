import { SqlTokenizer } from './sql-tokenizer';

/** Operation and main table of a SQL statement, as used for `prs_database_queries_total`. */
export interface SqlClassification {
  operation: 'select' | 'insert' | 'update' | 'delete' | 'other';
  /** Main table (`schema.table` when qualified), or `unknown`. */
  table: string;
}

type Parsed = Omit<SqlClassification, 'table'> & { table?: string };

/** Only this many leading characters are looked at by {@link classifySql}. */
const CLASSIFY_SCAN_LIMIT = 4096;
const MAX_TABLE_LENGTH = 127;
/** Parenthesis depth beyond which groups are skipped instead of parsed (bounds the recursion). */
const MAX_NESTING = 32;
const UNKNOWN = 'unknown';
/** Appended by {@link sanitizeSql} when it truncates (one character, counted in `maxLength`). */
const TRUNCATION_MARKER = '…';
const OPERATIONS = ['select', 'insert', 'update', 'delete'] as const;
const STATEMENT_STARTS = [...OPERATIONS, 'with', 'values', 'table'];
/** Keywords that end a FROM list (at its own parenthesis depth). */
const FROM_LIST_ENDS = ['where', 'group', 'having', 'window', 'order', 'limit']
  .concat(['offset', 'fetch', 'for', 'union', 'intersect', 'except'])
  .concat(['returning']);

/** Cuts `s` to at most `max` UTF-16 units without splitting a surrogate pair. */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const code = s.charCodeAt(max - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

function labelValue(table: string | undefined): string {
  const clean = table?.replace(/\p{Cc}/gu, '');
  return clean ? cut(clean, MAX_TABLE_LENGTH) : UNKNOWN;
}

/**
 * Recursive descent over the significant tokens: each method starts on its first token and leaves
 * the tokenizer on the first token it did not consume.
 */
class StatementClassifier {
  private readonly t: SqlTokenizer;
  private readonly cteNames = new Set<string>();

  constructor(text: string) {
    this.t = new SqlTokenizer(text);
    this.t.nextSignificant();
  }

  statement(): Parsed {
    const t = this.t;
    while (t.isPunct('(')) this.advance();
    if (t.is('with')) return this.withStatement();
    const operation = OPERATIONS.find((kw) => t.is(kw)) ?? 'other';
    if (operation === 'select') return { operation, table: this.selectTable() };
    if (operation === 'other' && !t.is('truncate') && !t.is('copy')) {
      return { operation };
    }
    this.advance();
    // All four are reserved words in Postgres, so they can't be an unquoted table name.
    while (t.is('into') || t.is('from') || t.is('only') || t.is('table'))
      this.advance();
    return { operation, table: this.name() };
  }

  private advance(): void {
    this.t.nextSignificant();
  }

  /** End of the statement that started at parenthesis depth `base`. */
  private atEnd(base: number): boolean {
    const t = this.t;
    return t.kind === 'eof' || t.depth < base || this.at(base, ';');
  }

  /** The current token is `keyword` (or the punctuation character) at parenthesis depth `depth`. */
  private at(depth: number, keyword: string): boolean {
    const t = this.t;
    return t.depth === depth && (t.is(keyword) || t.isPunct(keyword));
  }

  private atStatementStart(): boolean {
    return STATEMENT_STARTS.some((kw) => this.t.is(kw));
  }

  /** Parses the inside of the `(` group at the current token with `parse`, then skips past its `)`. */
  private group(parse: () => string | undefined): string | undefined {
    const t = this.t;
    const inner = t.depth;
    this.advance();
    const result = inner <= MAX_NESTING ? parse() : undefined;
    while (t.kind !== 'eof' && !this.at(inner - 1, ')')) this.advance();
    this.advance();
    return result;
  }

  private withStatement(): Parsed {
    const t = this.t;
    const base = t.depth;
    this.advance();
    if (t.is('recursive')) this.advance();
    let firstCteTable: string | undefined;
    for (let name = this.name(); name !== undefined; name = this.name()) {
      this.cteNames.add(name);
      if (t.isPunct('(')) this.group(() => undefined); // column list
      if (!t.is('as')) break;
      this.advance();
      if (t.is('not')) this.advance();
      if (t.is('materialized')) this.advance();
      if (!t.isPunct('(')) break;
      const bodyTable = this.group(() => this.statement().table);
      firstCteTable ??= bodyTable;
      if (!t.isPunct(',')) break;
      this.advance();
    }
    // Skip SEARCH / CYCLE clauses (or anything unexpected) up to the main statement.
    while (!this.atEnd(base) && !this.at(base + 1, '(')) {
      if (t.depth === base && this.atStatementStart()) break;
      this.advance();
    }
    const main = this.statement();
    if (main.operation === 'select') main.table ??= firstCteTable;
    return main;
  }

  /** First real table of the first FROM list (at this depth) that has one. */
  private selectTable(): string | undefined {
    const t = this.t;
    const base = t.depth;
    let afterSelect = false;
    let infixDistinct = false; // `a IS [NOT] DISTINCT FROM b` is not a FROM clause
    while (!this.atEnd(base)) {
      if (this.at(base, 'from') && !infixDistinct) {
        const table = this.fromList(base);
        if (table !== undefined) return table;
        afterSelect = false;
        continue;
      }
      infixDistinct = this.at(base, 'distinct') && !afterSelect;
      afterSelect = t.is('select');
      this.advance();
    }
    return undefined;
  }

  /** Items of `FROM a, b JOIN c ...`: the first one that is a real table, else `undefined`. */
  private fromList(base: number): string | undefined {
    const t = this.t;
    this.advance();
    for (;;) {
      const table = this.fromItem();
      if (table !== undefined) return table;
      for (let separator = false; !separator;) {
        if (this.atEnd(base)) return undefined;
        if (t.depth === base && FROM_LIST_ENDS.some((kw) => t.is(kw))) {
          return undefined;
        }
        separator = this.at(base, ',') || this.at(base, 'join');
        this.advance();
      }
    }
  }

  private fromItem(): string | undefined {
    const t = this.t;
    while (t.is('only') || t.is('lateral')) this.advance();
    if (t.isPunct('(')) {
      return this.group(() =>
        this.atStatementStart() ? this.statement().table : this.fromItem(),
      );
    }
    const name = this.name();
    // Functions (`FROM f(1)`, `FROM ROWS FROM (f(1))`) and CTE names are no tables.
    if (t.isPunct('(') || t.is('from')) return undefined;
    return name !== undefined && !this.cteNames.has(name) ? name : undefined;
  }

  /** `identifier(.identifier)*`, see {@link SqlTokenizer.identifier}. */
  private name(): string | undefined {
    let value = this.t.identifier();
    if (value === undefined) return undefined;
    for (this.advance(); this.t.isPunct('.'); this.advance()) {
      this.advance();
      const next = this.t.identifier();
      if (next === undefined) break;
      value += `.${next}`;
    }
    return value;
  }
}

/**
 * Classifies a PostgreSQL statement into an operation and its main table, for metric labels.
 *
 * Rules (only the first 4 KB are looked at; strings, comments and dollar-quoted bodies are never
 * mistaken for keywords):
 * - operation: the first keyword after whitespace, `--` / nested `/* *\/` comments and leading
 *   parentheses: SELECT, INSERT, UPDATE, DELETE; anything else (BEGIN, SET, VALUES, TABLE, EXPLAIN,
 *   CREATE, garbage, empty...) is `other`. For `WITH [RECURSIVE] ...` it is the main statement's.
 * - table: INSERT INTO t, UPDATE [ONLY] t, DELETE FROM [ONLY] t; for SELECT the first FROM / JOIN
 *   target that is a real table: subqueries (`FROM (SELECT ...) s`) are looked into, while
 *   functions (`FROM unnest(...)`) and CTE names are skipped. When the main SELECT of a `WITH` has
 *   no real table, the first table found inside the CTE bodies (first CTE first) is used. Also
 *   reported for `other`: TRUNCATE [TABLE] [ONLY] t and COPY t. Otherwise `unknown`.
 * - names: `schema.table` kept qualified, aliases dropped, unquoted identifiers folded to lower case
 *   (ASCII only, as Postgres does), quoted ones unquoted with `""` unescaped, case kept; control
 *   characters removed and the value capped at 127 characters.
 *
 * @example
 * classifySql('SELECT * FROM Deals d JOIN users u ON u.id = d.owner'); // { operation: 'select', table: 'deals' }
 * classifySql('WITH x AS (SELECT 1) INSERT INTO "Audit" SELECT * FROM x'); // { operation: 'insert', table: 'Audit' }
 * classifySql('BEGIN'); // { operation: 'other', table: 'unknown' }
 */
export function classifySql(text: string): SqlClassification {
  if (typeof text !== 'string') return { operation: 'other', table: UNKNOWN };
  const head = text.slice(0, CLASSIFY_SCAN_LIMIT);
  const { operation, table } = new StatementClassifier(head).statement();
  return { operation, table: labelValue(table) };
}

/**
 * Replaces every literal of a PostgreSQL statement with `?` so that no value leaves the process.
 *
 * Rules (single pass; stops reading once the output is full):
 * - `?` replaces strings (`'..'` with `''`, `E'..'` with backslash escapes, `U&'..'`, `B'..'`,
 *   `X'..'`, `N'..'`, `$$..$$`, `$tag$..$tag$`) and numbers (`42`, `-` kept as an operator, `1.5e3`,
 *   `.5`, `0x1F`, `1_000`); an unterminated string or quoted identifier replaces the whole rest.
 * - kept: keywords and identifiers (`table1`), quoted identifiers, `$1` placeholders, `TRUE`,
 *   `FALSE`, `NULL`, operators and punctuation.
 * - comments are removed; whitespace runs (and removed comments) become one space; trimmed.
 * - a result longer than `maxLength` is cut to `maxLength - 1` characters plus `…` (so it is never
 *   longer than `maxLength`).
 *
 * @example
 * sanitizeSql("SELECT * FROM users WHERE email = 'a@b.c' AND id IN (1, 2) -- by admin");
 * // "SELECT * FROM users WHERE email = ? AND id IN (?, ?)"
 */
export function sanitizeSql(text: string, maxLength = 2048): string {
  if (typeof text !== 'string' || !(maxLength > 0)) return '';
  const t = new SqlTokenizer(text);
  let out = '';
  let space = false;
  while (out.length <= maxLength && t.next() !== 'eof') {
    if (t.kind === 'space' || t.kind === 'comment') {
      space = out.length > 0;
      continue;
    }
    if (space) out += ' ';
    space = false;
    if (t.kind === 'string' || t.kind === 'number' || t.unterminated)
      out += '?';
    else out += text.slice(t.start, Math.min(t.end, t.start + maxLength + 1));
  }
  return out.length > maxLength
    ? cut(out, maxLength - 1) + TRUNCATION_MARKER
    : out;
}

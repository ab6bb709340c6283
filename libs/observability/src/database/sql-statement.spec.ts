import {
  classifySql,
  sanitizeSql,
  type SqlClassification,
} from './sql-statement';

type Op = SqlClassification['operation'];

describe('classifySql', () => {
  const cte = 'WITH recent AS (SELECT * FROM deals WHERE closed)';
  // [description, sql, operation, table]
  it.each<[string, string, Op, string]>([
    ['plain select', 'SELECT * FROM deals', 'select', 'deals'],
    ['lowercase', 'select id from deals where id = $1', 'select', 'deals'],
    ['mixed case, unquoted name folded', 'SeLeCt * FrOm Deals', 'select', 'deals'],
    ['leading whitespace and newlines', '\n\t  \r\nSELECT *\nFROM deals\n', 'select', 'deals'],
    ['leading line comment', '-- list deals\nSELECT * FROM deals', 'select', 'deals'],
    ['leading nested block comment', '/* a /* b */ c */ SELECT * FROM deals', 'select', 'deals'],
    ['schema-qualified', 'SELECT * FROM public.deals', 'select', 'public.deals'],
    ['quoted identifier keeps case', 'SELECT * FROM "Deals"', 'select', 'Deals'],
    ['quoted schema and table with spaces', 'SELECT * FROM "my schema"."My Table"', 'select', 'my schema.My Table'],
    ['escaped quote in identifier', 'SELECT * FROM "Weird""Name" w', 'select', 'Weird"Name'],
    ['non-ASCII letters are not folded', 'SELECT * FROM Café', 'select', 'café'],
    ['alias', 'SELECT d.id FROM deals d WHERE d.id = 1', 'select', 'deals'],
    ['AS alias', 'SELECT * FROM deals AS d', 'select', 'deals'],
    ['JOIN: first table', 'SELECT * FROM deals d JOIN users u ON u.id = d.owner_id', 'select', 'deals'],
    ['comma join: first table', 'SELECT * FROM deals, users', 'select', 'deals'],
    ['FROM inside a function call', 'SELECT extract(year FROM created_at) FROM deals', 'select', 'deals'],
    ['function in FROM is skipped', 'SELECT * FROM generate_series(1, 3) g JOIN deals ON true', 'select', 'deals'],
    ['subquery in FROM', 'SELECT * FROM (SELECT id FROM deals WHERE x > 1) sub', 'select', 'deals'],
    ['nested subqueries', 'SELECT * FROM ((SELECT * FROM (SELECT 1 FROM deals) a)) b', 'select', 'deals'],
    ['CTE name skipped for the JOINed table', `${cte} SELECT * FROM recent JOIN users u ON true`, 'select', 'users'],
    ['only CTE names: first CTE table', `${cte} SELECT count(*) FROM recent`, 'select', 'deals'],
    ['CTE + UNION', `${cte} SELECT id FROM recent UNION SELECT id FROM users`, 'select', 'users'],
    ['IS DISTINCT FROM is no FROM clause', `${cte} SELECT * FROM recent WHERE a IS DISTINCT FROM b`, 'select', 'deals'],
    ['CTE + INSERT', 'WITH x AS (SELECT 1 AS a) INSERT INTO audit_log SELECT * FROM x', 'insert', 'audit_log'],
    ['CTE + UPDATE', `${cte} UPDATE users SET n = 1 WHERE id IN (SELECT id FROM recent)`, 'update', 'users'],
    ['CTE + DELETE', `${cte} DELETE FROM sessions s USING recent r WHERE s.id = r.id`, 'delete', 'sessions'],
    ['data-modifying CTE', 'WITH m AS (DELETE FROM deals RETURNING *) INSERT INTO archive SELECT * FROM m', 'insert', 'archive'],
    ['several CTEs, MATERIALIZED', 'WITH a AS MATERIALIZED (SELECT 1), "B"(x) AS NOT MATERIALIZED (SELECT x FROM users) SELECT * FROM a, "B"', 'select', 'users'],
    ['WITH RECURSIVE', 'WITH RECURSIVE t(id) AS (SELECT id FROM categories UNION ALL SELECT c.id FROM categories c JOIN t ON c.parent = t.id) SELECT * FROM t', 'select', 'categories'],
    ['WITH RECURSIVE without a real table', 'WITH RECURSIVE t(n) AS (VALUES (1) UNION ALL SELECT n + 1 FROM t) SELECT sum(n) FROM t', 'select', 'unknown'],
    ['INSERT', 'INSERT INTO deals (id, name) VALUES ($1, $2)', 'insert', 'deals'],
    ['INSERT ... SELECT', 'insert into Deals_Archive select * from deals', 'insert', 'deals_archive'],
    ['INSERT ... ON CONFLICT', 'INSERT INTO deals AS d (id) VALUES (1) ON CONFLICT (id) DO UPDATE SET n = 2', 'insert', 'deals'],
    ['UPDATE', 'UPDATE deals SET name = $1 WHERE id = $2', 'update', 'deals'],
    ['UPDATE ONLY', 'UPDATE ONLY public.deals SET x = 1', 'update', 'public.deals'],
    ['DELETE', 'DELETE FROM deals WHERE id = 1', 'delete', 'deals'],
    ['DELETE FROM ONLY', 'delete from only Deals where id = 1', 'delete', 'deals'],
    ['DELETE ... USING', 'DELETE FROM deals d USING users u WHERE d.owner = u.id', 'delete', 'deals'],
    ['SELECT ... FOR UPDATE', 'SELECT * FROM deals WHERE id = $1 FOR UPDATE SKIP LOCKED', 'select', 'deals'],
    ['SELECT 1', 'SELECT 1', 'select', 'unknown'],
    ['SELECT now()', 'SELECT now();', 'select', 'unknown'],
    ['parenthesised UNION', '(SELECT id FROM deals) UNION (SELECT id FROM users)', 'select', 'deals'],
    ['keyword in a string', "SELECT 'from users' FROM deals", 'select', 'deals'],
    ['keyword in an E string', "SELECT E'\\' FROM users' FROM deals", 'select', 'deals'],
    ['keyword in a block comment', 'SELECT /* from x */ * FROM deals', 'select', 'deals'],
    ['keyword in a line comment', 'SELECT 1 -- FROM users\nFROM deals', 'select', 'deals'],
    ['keyword in dollar quotes', 'SELECT $$ FROM users $$, $t$ it\'s FROM x $t$ FROM deals', 'select', 'deals'],
    ['BEGIN', 'BEGIN', 'other', 'unknown'],
    ['COMMIT', 'commit;', 'other', 'unknown'],
    ['ROLLBACK', 'ROLLBACK', 'other', 'unknown'],
    ['SET', 'SET search_path TO public', 'other', 'unknown'],
    ['SHOW', 'SHOW server_version', 'other', 'unknown'],
    ['CREATE TABLE', 'CREATE TABLE deals (id int)', 'other', 'unknown'],
    ['ALTER TABLE', 'ALTER TABLE deals ADD COLUMN x int', 'other', 'unknown'],
    ['EXPLAIN', 'EXPLAIN ANALYZE SELECT * FROM deals', 'other', 'unknown'],
    ['VALUES', 'VALUES (1), (2)', 'other', 'unknown'],
    ['TRUNCATE reports its table', 'TRUNCATE TABLE ONLY public.deals', 'other', 'public.deals'],
    ['COPY reports its table', 'COPY deals (id) FROM STDIN', 'other', 'deals'],
    ['COPY of a query', 'COPY (SELECT * FROM deals) TO STDOUT', 'other', 'unknown'],
    ['empty string', '', 'other', 'unknown'],
    ['only a comment', '-- nothing /* here', 'other', 'unknown'],
    ['unterminated comment', '/* SELECT * FROM deals', 'other', 'unknown'],
    ['garbage', '%%% ¯\\_(ツ)_/¯ )))', 'other', 'unknown'],
    ['unterminated string', "SELECT 'oops FROM deals", 'select', 'unknown'],
    ['control characters stripped', 'SELECT * FROM "a\u0000b\u001fc\u007f"', 'select', 'abc'],
    ['table capped at 127 characters', `SELECT * FROM "${'x'.repeat(300)}"`, 'select', 'x'.repeat(127)],
  ])('%s', (_description, sql, operation, table) => {
    expect(classifySql(sql)).toEqual({ operation, table });
  });

  it('only scans the head of a 1 MB statement', () => {
    const huge = `SELECT * FROM deals WHERE id IN (${'1, '.repeat(350_000)}1)`;
    expect(huge.length).toBeGreaterThan(1_000_000);
    expect(classifySql(huge)).toEqual({ operation: 'select', table: 'deals' });
    const buried = `/* ${'x'.repeat(1_000_000)} */ SELECT * FROM deals`;
    expect(classifySql(buried)).toEqual({ operation: 'other', table: 'unknown' });
  });

  it('survives deep nesting', () => {
    const deep = `SELECT * FROM ${'('.repeat(2000)}SELECT 1 FROM deals`;
    expect(classifySql(deep)).toEqual({ operation: 'select', table: 'unknown' });
  });
});

describe('sanitizeSql', () => {
  it.each<[string, string]>([
    ["SELECT * FROM users WHERE email = 'a@b.c' AND id = 42", 'SELECT * FROM users WHERE email = ? AND id = ?'],
    ['SELECT * FROM t WHERE id IN (1, 2, 3)', 'SELECT * FROM t WHERE id IN (?, ?, ?)'],
    ["SELECT 'it''s', E'a\\'b\\\\', U&'d\\0061t', B'1010', X'1F', N'x'", 'SELECT ?, ?, ?, ?, ?, ?'],
    ['SELECT $$it\'s$$, $fn$ a $$ b $fn$', 'SELECT ?, ?'],
    ['SELECT 42, -7, 3.14, .5, 5., 1e10, 2.5E-3, 0x1F, 0o17, 0b101, 1_000', 'SELECT ?, -?, ?, ?, ?, ?, ?, ?, ?, ?, ?'],
    ['SELECT * FROM t WHERE a = $1 AND b = $12', 'SELECT * FROM t WHERE a = $1 AND b = $12'],
    ['SELECT col1, t2.x3, a$1 FROM table1 t2', 'SELECT col1, t2.x3, a$1 FROM table1 t2'],
    ['UPDATE t SET a = TRUE, b = false, c = NULL', 'UPDATE t SET a = TRUE, b = false, c = NULL'],
    ['SELECT /* user=42 */ id -- secret\nFROM t', 'SELECT id FROM t'],
    ['/* a /* b */ c */SELECT/**/1', 'SELECT ?'],
    ['SELECT "Col 1", "a""b" FROM "My Table"', 'SELECT "Col 1", "a""b" FROM "My Table"'],
    ['  SELECT\n\t*\r\n  FROM   t  ', 'SELECT * FROM t'],
    ["SELECT '-- no comment', '/* nor this */' FROM t", 'SELECT ?, ? FROM t'],
    ["SELECT '2024-01-01'::date, 1::int", 'SELECT ?::date, ?::int'],
    ["SELECT data->>'email' FROM t WHERE data @> '{\"a\":1}'", 'SELECT data->>? FROM t WHERE data @> ?'],
    ["WHERE x='a'AND y=1", 'WHERE x=?AND y=?'],
    ['SELECT 1-/**/-1', 'SELECT ?- -?'],
    ["SELECT * FROM t WHERE a = 'unterminated AND b = 2", 'SELECT * FROM t WHERE a = ?'],
    ['SELECT $x$ unterminated', 'SELECT ?'],
    ['SELECT "unterminated FROM t', 'SELECT ?'],
    ['SELECT 1 /* unterminated', 'SELECT ?'],
    ['', ''],
  ])('%j', (sql, expected) => {
    expect(sanitizeSql(sql)).toBe(expected);
  });

  it.each<[string, number, string]>([
    [`SELECT ${'a, '.repeat(100)}`, 20, 'SELECT a, a, a, a, …'],
    ['SELECT 1', 8, 'SELECT ?'],
    ['SELECT 1', 1, '…'],
    ['SELECT 1', 0, ''],
  ])('truncates %j to %i characters', (sql, maxLength, expected) => {
    expect(sanitizeSql(sql, maxLength)).toBe(expected);
  });

  it('caps the output of a 1 MB statement at 2048 characters', () => {
    const huge = `INSERT INTO t VALUES ${"('s3cr3t-canary', 1), ".repeat(50_000)}`;
    const out = sanitizeSql(huge);
    expect(out).toHaveLength(2048);
    expect(out.endsWith('…')).toBe(true);
    expect(out).not.toContain('s3cr3t');
  });

  it.each([
    "SELECT 's3cr3t-canary'",
    "SELECT E's3cr3t\\'-canary'",
    "SELECT U&'s3cr3t-canary'",
    'SELECT $$s3cr3t-canary$$',
    'SELECT $q$s3cr3t-canary$q$',
    "SELECT 'x' || 's3cr3t-canary",
    'SELECT 1 -- s3cr3t-canary',
    'SELECT /* s3cr3t-canary */ 1',
    "SELECT * FROM t WHERE note = 'it''s s3cr3t-canary' LIMIT 1",
  ])('never leaks the canary of %j', (sql) => {
    expect(sanitizeSql(sql)).not.toContain('s3cr3t');
    expect(classifySql(sql).table).not.toContain('s3cr3t');
  });
});

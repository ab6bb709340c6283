import {
  classifySql,
  sanitizeSql,
  type SqlClassification,
} from './sql-statement';

type Op = SqlClassification['operation'];

const CTE = 'WITH recent AS (SELECT * FROM deals WHERE closed)';

describe('classifySql', () => {
  it.each([
    'SELECT * FROM deals',
    'select id from deals where id = $1',
    'SeLeCt * FrOm Deals',
    '\n\t  \r\nSELECT *\nFROM deals\n',
    '-- list deals\nSELECT * FROM deals',
    '/* a /* nested */ comment */ SELECT * FROM deals',
    'SELECT d.id FROM deals d WHERE d.id = 1',
    'SELECT * FROM deals AS d',
    'SELECT * FROM deals d JOIN users u ON u.id = d.owner_id',
    'SELECT * FROM deals, users',
    'SELECT * FROM ONLY deals',
    'SELECT extract(year FROM created_at) FROM deals',
    'SELECT * FROM generate_series(1, 3) g JOIN deals ON true',
    'SELECT * FROM ROWS FROM (f(1)) JOIN deals ON true',
    'SELECT * FROM (SELECT id FROM deals WHERE x > 1) sub',
    'SELECT * FROM ((SELECT * FROM (SELECT 1 FROM deals) a)) b',
    'SELECT * FROM deals WHERE id = $1 FOR UPDATE SKIP LOCKED',
    'SELECT DISTINCT ON (a) a FROM deals',
    '(SELECT id FROM deals) UNION (SELECT id FROM users)',
    "SELECT 'from users' FROM deals",
    "SELECT E'\\' FROM users' FROM deals",
    'SELECT /* from x */ * FROM deals',
    'SELECT 1 -- FROM users\nFROM deals',
    "SELECT $$ FROM users $$, $t$ it's FROM x $t$ FROM deals",
    `${CTE} SELECT count(*) FROM recent`,
    `${CTE} SELECT * FROM recent WHERE a IS DISTINCT FROM b`,
  ])('%j → select deals', (sql) => {
    expect(classifySql(sql)).toEqual({ operation: 'select', table: 'deals' });
  });

  it.each<[string, Op, string]>([
    ['SELECT * FROM public.deals', 'select', 'public.deals'],
    ['SELECT * FROM "Deals"', 'select', 'Deals'],
    ['SELECT * FROM "my schema"."My Table"', 'select', 'my schema.My Table'],
    ['SELECT * FROM "Weird""Name" w', 'select', 'Weird"Name'],
    ['SELECT * FROM Café', 'select', 'café'], // Postgres folds ASCII only
    [`${CTE} SELECT * FROM recent JOIN users u ON true`, 'select', 'users'],
    [
      `${CTE} SELECT 1 FROM recent UNION SELECT 1 FROM users`,
      'select',
      'users',
    ],
    [`${CTE} INSERT INTO log SELECT * FROM recent`, 'insert', 'log'],
    [`${CTE} UPDATE users SET n = 1 FROM recent`, 'update', 'users'],
    [`${CTE} DELETE FROM sessions s USING recent r`, 'delete', 'sessions'],
    [
      'WITH m AS (DELETE FROM a RETURNING *) INSERT INTO b TABLE m',
      'insert',
      'b',
    ],
    [
      'WITH a AS (SELECT 1), "B"(x) AS NOT MATERIALIZED (SELECT 2 FROM users) SELECT * FROM a, "B"',
      'select',
      'users',
    ],
    [
      'WITH RECURSIVE t(id) AS (SELECT id FROM nodes UNION ALL SELECT n.id FROM nodes n JOIN t ON n.parent = t.id) SELECT * FROM t',
      'select',
      'nodes',
    ],
    [
      'WITH RECURSIVE t(n) AS (VALUES (1) UNION ALL SELECT n + 1 FROM t) SELECT sum(n) FROM t',
      'select',
      'unknown',
    ],
    ['INSERT INTO deals (id, name) VALUES ($1, $2)', 'insert', 'deals'],
    [
      'insert into Deals_Archive select * from deals',
      'insert',
      'deals_archive',
    ],
    [
      'INSERT INTO deals AS d VALUES (1) ON CONFLICT (id) DO NOTHING',
      'insert',
      'deals',
    ],
    ['UPDATE deals SET name = $1 WHERE id = $2', 'update', 'deals'],
    ['UPDATE ONLY public.deals SET x = 1', 'update', 'public.deals'],
    ['DELETE FROM deals WHERE id = 1', 'delete', 'deals'],
    ['delete from only Deals where id = 1', 'delete', 'deals'],
    [
      'DELETE FROM deals d USING users u WHERE d.owner = u.id',
      'delete',
      'deals',
    ],
    ['SELECT 1', 'select', 'unknown'],
    ['SELECT now();', 'select', 'unknown'],
    ["SELECT 'oops FROM deals", 'select', 'unknown'], // unterminated string
    ['BEGIN', 'other', 'unknown'],
    ['commit;', 'other', 'unknown'],
    ['ROLLBACK', 'other', 'unknown'],
    ['SET search_path TO public', 'other', 'unknown'],
    ['SHOW server_version', 'other', 'unknown'],
    ['CREATE TABLE deals (id int)', 'other', 'unknown'],
    ['ALTER TABLE deals ADD COLUMN x int', 'other', 'unknown'],
    ['EXPLAIN ANALYZE SELECT * FROM deals', 'other', 'unknown'],
    ['VALUES (1), (2)', 'other', 'unknown'],
    ['TRUNCATE TABLE ONLY public.deals', 'other', 'public.deals'],
    ['COPY deals (id) FROM STDIN', 'other', 'deals'],
    ['COPY (SELECT * FROM deals) TO STDOUT', 'other', 'unknown'],
    ['', 'other', 'unknown'],
    ['-- nothing /* here', 'other', 'unknown'],
    ['/* SELECT * FROM deals', 'other', 'unknown'], // unterminated comment
    ['%%% ¯\\_(ツ)_/¯ )))', 'other', 'unknown'],
    ['SELECT * FROM "a\u0000b\u001fc\u007f"', 'select', 'abc'],
    [`SELECT * FROM "${'x'.repeat(300)}"`, 'select', 'x'.repeat(127)],
  ])('%j → %s %s', (sql, operation, table) => {
    expect(classifySql(sql)).toEqual({ operation, table });
  });

  it('only scans the head of a 1 MB statement', () => {
    const huge = `SELECT * FROM deals WHERE id IN (${'1, '.repeat(350_000)}1)`;
    expect(huge.length).toBeGreaterThan(1_000_000);
    expect(classifySql(huge)).toEqual({ operation: 'select', table: 'deals' });
    const buried = `/* ${'x'.repeat(1_000_000)} */ SELECT * FROM deals`;
    expect(classifySql(buried)).toEqual({
      operation: 'other',
      table: 'unknown',
    });
  });

  it('survives deep nesting', () => {
    const deep = `SELECT * FROM ${'('.repeat(2000)}SELECT 1 FROM deals`;
    expect(classifySql(deep)).toEqual({
      operation: 'select',
      table: 'unknown',
    });
  });
});

describe('sanitizeSql', () => {
  it.each<[string, string]>([
    [
      "SELECT * FROM users WHERE email = 'a@b.c' AND id = 42",
      'SELECT * FROM users WHERE email = ? AND id = ?',
    ],
    [
      'SELECT * FROM t WHERE id IN (1, 2, 3)',
      'SELECT * FROM t WHERE id IN (?, ?, ?)',
    ],
    ["SELECT 'it''s', E'a\\'b\\\\', U&'d\\0061t', N'x'", 'SELECT ?, ?, ?, ?'],
    ["SELECT B'1010', X'1F'", 'SELECT ?, ?'],
    ["SELECT $$it's$$, $fn$ a $$ b $fn$", 'SELECT ?, ?'],
    [
      'SELECT 42, -7, 3.14, .5, 5., 1e10, 2.5E-3',
      'SELECT ?, -?, ?, ?, ?, ?, ?',
    ],
    ['SELECT 0x1F, 0o17, 0b101, 1_000', 'SELECT ?, ?, ?, ?'],
    [
      'SELECT * FROM t WHERE a = $1 AND b = $12',
      'SELECT * FROM t WHERE a = $1 AND b = $12',
    ],
    [
      'SELECT col1, t2.x3, a$1 FROM table1 t2',
      'SELECT col1, t2.x3, a$1 FROM table1 t2',
    ],
    [
      'UPDATE t SET a = TRUE, b = false, c = NULL',
      'UPDATE t SET a = TRUE, b = false, c = NULL',
    ],
    ['SELECT /* user=42 */ id -- secret\nFROM t', 'SELECT id FROM t'],
    ['/* a /* b */ c */SELECT/**/1', 'SELECT ?'],
    [
      'SELECT "Col 1", "a""b" FROM "My Table"',
      'SELECT "Col 1", "a""b" FROM "My Table"',
    ],
    ['  SELECT\n\t*\r\n  FROM   t  ', 'SELECT * FROM t'],
    ["SELECT '-- no comment', '/* nor this */' FROM t", 'SELECT ?, ? FROM t'],
    ["SELECT '2024-01-01'::date, 1::int", 'SELECT ?::date, ?::int'],
    [
      "SELECT data->>'email' FROM t WHERE data @> '{\"a\":1}'",
      'SELECT data->>? FROM t WHERE data @> ?',
    ],
    ["WHERE x='a'AND y=1", 'WHERE x=?AND y=?'],
    ['SELECT 1-/**/-1', 'SELECT ?- -?'],
    [
      "SELECT * FROM t WHERE a = 'unterminated AND b = 2",
      'SELECT * FROM t WHERE a = ?',
    ],
    ['SELECT $x$ unterminated', 'SELECT ?'],
    ['SELECT "unterminated FROM t', 'SELECT ?'],
    ['SELECT 1 /* unterminated', 'SELECT ?'],
    ['', ''],
  ])('%j → %j', (sql, expected) => {
    expect(sanitizeSql(sql)).toBe(expected);
  });

  it.each<[string, number, string]>([
    [`SELECT ${'a, '.repeat(100)}`, 20, 'SELECT a, a, a, a, …'],
    ['SELECT 1', 8, 'SELECT ?'],
    ['SELECT 1', 1, '…'],
    ['SELECT 1', 0, ''],
  ])('truncates to maxLength (case %#)', (sql, maxLength, expected) => {
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

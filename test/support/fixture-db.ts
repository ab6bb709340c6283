import { execFileSync } from 'node:child_process';

/** Runs `sql` with psql in the machine's Postgres (database `test`); throws on an error. */
export function psql(sql: string): void {
  execFileSync(
    'psql',
    [
      '-h',
      '127.0.0.1',
      '-U',
      'postgres',
      '-d',
      'test',
      '-v',
      'ON_ERROR_STOP=1',
      '-qc',
      sql,
    ],
    { stdio: 'pipe', timeout: 30_000 },
  );
}

/** Creates the fixture table in the machine's Postgres (database `test`) with one known row. */
export function prepareFixtureTable(): void {
  psql(
    'CREATE TABLE IF NOT EXISTS fixture_deals (id serial PRIMARY KEY, title text NOT NULL); ' +
      "INSERT INTO fixture_deals (id, title) VALUES (1, 'first') ON CONFLICT (id) DO UPDATE SET title = 'first'; " +
      "SELECT setval('fixture_deals_id_seq', GREATEST((SELECT max(id) FROM fixture_deals), 1));",
  );
}

/**
 * The fixture app's cache keys start with this, one prefix per Jest process
 * (`baseFixtureEnv()` hands it to the fixtures), so suites running side by side on the
 * machine's one Redis never see each other's cached deal.
 */
export const FIXTURE_CACHE_PREFIX = `fixture:${process.pid}:`;

/** The fixture app's cache key of deal `id`. */
export function fixtureCacheKey(id: number): string {
  return `${FIXTURE_CACHE_PREFIX}deal:${id}`;
}

/** Deletes the fixture's cache keys from the machine's Redis. */
export function clearFixtureCache(): void {
  execFileSync('redis-cli', ['-h', '127.0.0.1', 'del', fixtureCacheKey(1)], {
    stdio: 'pipe',
    timeout: 10_000,
  });
}

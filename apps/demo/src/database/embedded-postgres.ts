import { PgliteSnapshot } from './pglite-snapshot';

/** A PGlite database served over the Postgres wire protocol on a loopback port. */
export interface EmbeddedPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  /** Whether the data directory came from the initdb snapshot (fast boot). */
  fromSnapshot: boolean;
  /** Stops the socket server, then closes the database (its data is gone). */
  stop(): Promise<void>;
}

/**
 * Starts PGlite (Postgres compiled to WebAssembly, in memory) behind
 * `PGLiteSocketServer`, so the app keeps using the real `pg` driver, and the SDK's pg
 * instrumentation keeps producing spans and `prs_database_queries_total`.
 * Loaded lazily: a demo talking to a real Postgres never loads the WebAssembly.
 */
export async function startEmbeddedPostgres(): Promise<EmbeddedPostgres> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const snapshot = new PgliteSnapshot();
  let saved = await snapshot.load();
  // A snapshot PGlite cannot load (damaged file) costs one fresh initdb, never the boot.
  const db = await PGlite.create(saved ? { loadDataDir: saved } : {}).catch(
    () => ((saved = undefined), PGlite.create()),
  );
  if (!saved) await snapshot.save(await db.dumpDataDir('gzip'));
  // PGlite runs one query at a time; the server queues the connections' queries and
  // keeps a transaction's statements together, so a pool of several connections works.
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: 0,
    maxConnections: 16,
  });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    fromSnapshot: saved !== undefined,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}

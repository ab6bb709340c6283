import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A pristine, just-initialised PGlite data directory (gzip tarball, ~5 MB) kept in the
 * OS temp directory. A fresh in-memory PGlite runs `initdb` (~4 s of CPU); loading
 * this snapshot takes under 1 s. It holds no demo data (migrations run after it), and
 * its name carries the PGlite version, so an upgrade never loads an old layout.
 */
export class PgliteSnapshot {
  readonly path = join(
    tmpdir(),
    'prs-demo',
    `pglite-${pgliteVersion()}-initdb.tar.gz`,
  );

  /** The snapshot, or `undefined` when there is none (or it cannot be read). */
  async load(): Promise<Blob | undefined> {
    try {
      return new Blob([await readFile(this.path)]);
    } catch {
      return undefined;
    }
  }

  /**
   * Saves `dump`; written to a temporary name and renamed, so processes booting at once
   * never read a half-written file. Failing to save only costs the next boot time.
   */
  async save(dump: Blob): Promise<void> {
    try {
      await mkdir(dirname(this.path), { recursive: true });
      const partial = `${this.path}.${process.pid}.partial`;
      await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
      await rename(partial, this.path);
    } catch {
      // read-only or full temp directory: boot without a snapshot next time too
    }
  }
}

function pgliteVersion(): string {
  try {
    const entry = require.resolve('@electric-sql/pglite');
    const manifest = join(dirname(entry), '..', 'package.json');
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}

import { randomUUID } from 'node:crypto';
import {
  open,
  readdir,
  rename,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import type {
  SnapshotMetric,
  WorkerSnapshot,
} from '../metrics/cluster-protocol';
import { foldRetired } from './snapshot-merge';

/** The most bytes read of one snapshot file or socket answer; larger ones are ignored. */
export const MAX_SNAPSHOT_BYTES = 8 * 1024 * 1024;
/** Folded worker ids remembered in the retired file (oldest dropped first). */
const FOLDED_KEPT = 1_024;
/** A lock or temporary file older than this was left by a killed process. */
const STALE_MS = 30_000;

/** One instance's cumulative snapshot as written to its file and sent over its socket. */
export interface PeerRecord {
  /** Unique per process (a pid can be reused): what the retired file remembers as folded. */
  id: string;
  pid: number;
  /** PM2's `pm_id`. */
  label: string;
  snapshot: WorkerSnapshot;
}

/** What exited instances had counted, and which of them are in it. */
export interface RetiredRecord {
  metrics: SnapshotMetric[];
  folded: string[];
}

/** One instance's files in the group directory, by pid. */
export interface PeerEntry {
  pid: number;
  socket: boolean;
  file: boolean;
}

const ENTRY = /^(\d+)\.(sock|json)$/;

/**
 * The group directory of PM2 instances (docs/cluster.md): `<pid>.sock` and `<pid>.json`
 * per instance, `retired.json` for exited ones, `retired.lock` while one instance folds
 * a dead one into it. Every file is replaced by write + rename, so readers never see a
 * half-written one.
 */
export class PeerFiles {
  constructor(readonly dir: string) {}

  socketPath(pid: number): string {
    return join(this.dir, `${pid}.sock`);
  }

  /** The instances that have files here, at most `limit`, lowest pids first. */
  async entries(limit: number): Promise<PeerEntry[]> {
    const byPid = new Map<number, PeerEntry>();
    for (const name of await readdir(this.dir)) {
      const match = ENTRY.exec(name);
      if (!match) continue;
      const pid = Number(match[1]);
      const entry = byPid.get(pid) ?? { pid, socket: false, file: false };
      if (match[2] === 'sock') entry.socket = true;
      else entry.file = true;
      byPid.set(pid, entry);
    }
    return [...byPid.values()].sort((a, b) => a.pid - b.pid).slice(0, limit);
  }

  writeRecord(record: PeerRecord): Promise<void> {
    return this.writeAtomic(`${record.pid}.json`, JSON.stringify(record));
  }

  async readRecord(pid: number): Promise<PeerRecord | undefined> {
    const record = await this.readJson(`${pid}.json`);
    return isPeerRecord(record) ? record : undefined;
  }

  async readRetired(): Promise<RetiredRecord> {
    const record = (await this.readJson('retired.json')) as
      Partial<RetiredRecord> | undefined;
    return Array.isArray(record?.metrics) && Array.isArray(record.folded)
      ? (record as RetiredRecord)
      : { metrics: [], folded: [] };
  }

  /**
   * Under the group's lock: reads the retired record, lets `fold` add to it, writes it, then
   * removes `obsolete` files. Resolves `false` without waiting when another instance holds
   * the lock (it is folding the same dead instances). Two instances never fold one record
   * twice: the lock serializes them, and the record's `folded` ids tell what is in.
   */
  private async underLock(
    fold: (retired: RetiredRecord) => Promise<string[]>,
  ): Promise<boolean> {
    const lock = join(this.dir, 'retired.lock');
    if (!(await this.tryLock(lock))) return false;
    try {
      const retired = await this.readRetired();
      const obsolete = await fold(retired);
      if (obsolete.length === 0) return true;
      retired.folded = retired.folded.slice(-FOLDED_KEPT);
      await this.writeAtomic('retired.json', JSON.stringify(retired));
      // After the write: a reader that finds a dead instance's file gone finds it folded.
      for (const name of obsolete) await removeQuietly(join(this.dir, name));
      await this.removeStaleTemporaries();
      return true;
    } finally {
      await removeQuietly(lock);
    }
  }

  /**
   * Folds exited instances' last files into the retired totals and removes their files,
   * unless another instance holds the lock (it is at it). Resolves whether it folded.
   */
  foldDead(dead: readonly PeerEntry[]): Promise<boolean> {
    return this.underLock(async (retired) => {
      const folded = new Set(retired.folded);
      const obsolete: string[] = [];
      for (const { pid, socket, file } of dead) {
        if (socket) obsolete.push(`${pid}.sock`);
        if (!file) continue;
        obsolete.push(`${pid}.json`);
        const record = await this.readRecord(pid);
        if (record === undefined || folded.has(record.id)) continue;
        retired.metrics = foldRetired(retired.metrics, record.snapshot.metrics);
        retired.folded.push(record.id);
        folded.add(record.id);
      }
      return obsolete;
    });
  }

  /** Removes this instance's socket file (a socket left by a killed process blocks `listen`). */
  removeSocket(pid: number): Promise<void> {
    return removeQuietly(this.socketPath(pid));
  }

  /** Removes everything but live instances' files: a group started afresh starts from zero. */
  async resetUnless(live: (pid: number) => boolean): Promise<void> {
    await removeQuietly(join(this.dir, 'retired.json'));
    for (const { pid } of await this.entries(Number.MAX_SAFE_INTEGER))
      if (!live(pid)) {
        await removeQuietly(join(this.dir, `${pid}.json`));
        await removeQuietly(this.socketPath(pid));
      }
  }

  private async tryLock(lock: string): Promise<boolean> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(lock, 'wx', 0o600);
        await handle.writeFile(String(process.pid));
        await handle.close();
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (!(await this.isStale(lock))) return false;
        await removeQuietly(lock);
      }
    }
    return false;
  }

  /** A lock whose holder died (SIGKILL while folding) or that is older than {@link STALE_MS}. */
  private async isStale(lock: string): Promise<boolean> {
    try {
      const [text, info] = await Promise.all([
        this.readText(lock, 32),
        stat(lock),
      ]);
      const holder = Number(text);
      return (
        Date.now() - info.mtimeMs > STALE_MS ||
        (Number.isInteger(holder) && holder > 0 && !isAlive(holder))
      );
    } catch {
      return false;
    }
  }

  private async removeStaleTemporaries(): Promise<void> {
    for (const name of await readdir(this.dir)) {
      if (!name.endsWith('.tmp')) continue;
      const path = join(this.dir, name);
      const info = await stat(path).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > STALE_MS)
        await removeQuietly(path);
    }
  }

  private async writeAtomic(name: string, text: string): Promise<void> {
    const temporary = join(this.dir, `${name}.${randomUUID()}.tmp`);
    try {
      await writeFile(temporary, text, { mode: 0o600 });
      await rename(temporary, join(this.dir, name));
    } catch (error) {
      await removeQuietly(temporary);
      throw error;
    }
  }

  private async readJson(name: string): Promise<unknown> {
    const text = await this.readText(
      join(this.dir, name),
      MAX_SNAPSHOT_BYTES,
    ).catch(() => undefined);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  }

  /** The file's text, or `undefined` when it is larger than `maxBytes`. */
  private async readText(
    path: string,
    maxBytes: number,
  ): Promise<string | undefined> {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      if (size > maxBytes) return undefined;
      const buffer = Buffer.alloc(size);
      const { bytesRead } = await handle.read(buffer, 0, size, 0);
      return buffer.toString('utf8', 0, bytesRead);
    } finally {
      await handle.close();
    }
  }
}

/** Whether `pid` is a running process (EPERM: it runs under another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a parsed file or socket answer is a {@link PeerRecord}. */
export function isPeerRecord(value: unknown): value is PeerRecord {
  const r = value as Partial<PeerRecord> | undefined;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.id === 'string' &&
    typeof r.pid === 'number' &&
    typeof r.label === 'string' &&
    Array.isArray(r.snapshot?.metrics)
  );
}

async function removeQuietly(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
}

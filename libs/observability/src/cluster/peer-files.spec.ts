import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SnapshotMetric } from '../metrics/cluster-protocol';
import { PeerFiles, type PeerRecord } from './peer-files';

/** Pids far above any running process on the test machine (never signalled). */
const DEAD_PIDS = [4_100_001, 4_100_002, 4_100_003];

function requests(value: number): SnapshotMetric[] {
  return [
    {
      name: 'prs_http_requests_total',
      description: '',
      unit: '',
      kind: 'counter',
      points: [{ attributes: { status_code: '200' }, value }],
    },
  ];
}

function record(pid: number, value: number): PeerRecord {
  return {
    id: `id-${pid}`,
    pid,
    label: String(pid % 10),
    snapshot: { metrics: requests(value) },
  };
}

const retiredTotal = async (files: PeerFiles) =>
  (await files.readRetired()).metrics[0]?.points[0]?.value;

describe('PeerFiles (a PM2 group directory)', () => {
  let dir = '';

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prs-peer-files-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('folds a dead instance once when several instances retire it at the same time', async () => {
    const [pid] = DEAD_PIDS;
    await new PeerFiles(dir).writeRecord(record(pid!, 7));
    // Eight instances (separate objects, as separate processes) see the dead pid at once.
    const instances = Array.from({ length: 8 }, () => new PeerFiles(dir));
    const entry = { pid: pid!, socket: false, file: true };
    const results = await Promise.all(
      instances.map((files) => files.foldDead([entry])),
    );
    expect(results.filter(Boolean).length).toBeGreaterThanOrEqual(1);
    // Again, after the file is gone: nothing more is added.
    await instances[0]!.foldDead([entry]);
    expect(await retiredTotal(instances[0]!)).toBe(7);
    expect(await readdir(dir)).toEqual(['retired.json']);
  });

  it('two instances retiring different dead instances at once lose neither (the lock serializes them)', async () => {
    const [a, b] = DEAD_PIDS;
    const first = new PeerFiles(dir);
    const second = new PeerFiles(dir);
    await first.writeRecord(record(a!, 7));
    await first.writeRecord(record(b!, 3));
    await Promise.all([
      first.foldDead([{ pid: a!, socket: false, file: true }]),
      second.foldDead([{ pid: b!, socket: false, file: true }]),
    ]);
    // Whatever the other one could not fold, the next scrape folds.
    await first.foldDead(await first.entries(64));
    expect(await retiredTotal(first)).toBe(10);
    expect(await readdir(dir)).toEqual(['retired.json']);
  });

  it('a record already folded is not added again (a file read before the fold, folded twice)', async () => {
    const files = new PeerFiles(dir);
    const [a, b] = DEAD_PIDS;
    await files.writeRecord(record(a!, 5));
    await files.foldDead([{ pid: a!, socket: false, file: true }]);
    // The same instance's record appears again (a stale copy): its id says it is in.
    await files.writeRecord(record(a!, 5));
    await files.writeRecord(record(b!, 3));
    await files.foldDead([
      { pid: a!, socket: false, file: true },
      { pid: b!, socket: false, file: true },
    ]);
    expect(await retiredTotal(files)).toBe(8);
    expect((await files.readRetired()).folded).toEqual([`id-${a}`, `id-${b}`]);
  });

  it('leaves the folding to the holder of a live lock, and breaks a lock whose holder died', async () => {
    const files = new PeerFiles(dir);
    const [pid, holder] = DEAD_PIDS;
    await files.writeRecord(record(pid!, 4));
    const entry = { pid: pid!, socket: false, file: true };
    // Held by this (live) process: another instance does not wait for it.
    await writeFile(join(dir, 'retired.lock'), String(process.pid));
    expect(await files.foldDead([entry])).toBe(false);
    expect(await files.readRecord(pid!)).toBeDefined();
    // Left by a holder that was killed: broken, and the fold happens.
    await writeFile(join(dir, 'retired.lock'), String(holder));
    expect(await files.foldDead([entry])).toBe(true);
    expect(await retiredTotal(files)).toBe(4);
    expect(await readdir(dir)).toEqual(['retired.json']);
  });

  it('ignores files that are not records, and snapshot files over the size bound', async () => {
    const files = new PeerFiles(dir);
    const [a, b] = DEAD_PIDS;
    await writeFile(join(dir, `${a}.json`), '{"not":"a record"}');
    await writeFile(join(dir, `${b}.json`), ' '.repeat(9 * 1024 * 1024));
    expect(await files.readRecord(a!)).toBeUndefined();
    expect(await files.readRecord(b!)).toBeUndefined();
    expect(await files.entries(64)).toEqual([
      { pid: a, socket: false, file: true },
      { pid: b, socket: false, file: true },
    ]);
  });
});

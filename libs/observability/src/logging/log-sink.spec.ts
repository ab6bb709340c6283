import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DropReason, LogSink, type SinkTarget } from './log-sink';
import { RotatingFileTarget } from './sink-targets';

const errno = (code: string) => Object.assign(new Error(code), { code });

/** A target that writes at most `chunk` bytes per call and fails as scripted. */
class FakeTarget implements SinkTarget {
  readonly name = 'fake';
  written = '';
  failures: string[] = [];
  constructor(private readonly chunk = Infinity) {}
  write(data: Buffer): number {
    const code = this.failures.shift();
    if (code !== undefined) throw errno(code);
    const n = Math.min(this.chunk, data.length);
    this.written += data.subarray(0, n).toString();
    return n;
  }
  close(): void {}
}

function sinkOn(target: SinkTarget, maxPending?: number) {
  const drops: [DropReason, number][] = [];
  const sink = new LogSink(
    target,
    (_d, reason, lines) => drops.push([reason, lines]),
    maxPending,
  );
  return { sink, drops };
}

describe('LogSink', () => {
  it('batches a turn into whole lines, across partial writes', () => {
    const target = new FakeTarget(5);
    const { sink, drops } = sinkOn(target);
    sink.write('{"a":1}\n');
    sink.write('{"b":2}\n');
    expect(target.written).toBe('');
    sink.flushSync();
    expect(target.written).toBe('{"a":1}\n{"b":2}\n');
    expect(drops).toEqual([]);
  });

  it('counts the lines of a failed write and carries on (disk full)', () => {
    const target = new FakeTarget();
    const { sink, drops } = sinkOn(target);
    target.failures.push('ENOSPC');
    sink.write('1\n');
    sink.write('2\n');
    sink.flushSync();
    sink.write('3\n');
    sink.flushSync();
    expect(drops).toEqual([['write_error', 2]]);
    expect(target.written).toBe('3\n');
  });

  it('stops writing to a closed pipe and counts every later line', () => {
    const target = new FakeTarget();
    const { sink, drops } = sinkOn(target);
    target.failures.push('EPIPE');
    sink.write('1\n');
    sink.flushSync();
    sink.write('2\n');
    sink.write('3\n');
    expect(drops).toEqual([
      ['closed', 1],
      ['closed', 1],
      ['closed', 1],
    ]);
  });

  it('keeps unwritten bytes on EAGAIN and writes them first next time', () => {
    const target = new FakeTarget();
    const { sink, drops } = sinkOn(target);
    target.failures.push('EAGAIN');
    sink.write('1\n');
    sink.flushSync();
    sink.write('2\n');
    sink.flushSync();
    expect(target.written).toBe('1\n2\n');
    expect(drops).toEqual([]);
  });

  it('drops what would exceed the pending bound instead of growing', () => {
    const target = new FakeTarget();
    const { sink, drops } = sinkOn(target, 10);
    sink.write('12345678\n');
    sink.write('overflow\n');
    sink.flushSync();
    expect(drops).toEqual([['overflow', 1]]);
    expect(target.written).toBe('12345678\n');
  });

  it('writes each line at once after setSync()', () => {
    const target = new FakeTarget();
    const { sink } = sinkOn(target);
    sink.write('1\n');
    sink.setSync();
    expect(target.written).toBe('1\n');
    sink.write('2\n');
    expect(target.written).toBe('1\n2\n');
  });
});

describe('RotatingFileTarget', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'prs-rotate-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('rotates like RotatingFileHandler: active file, .1 newest, oldest beyond maxFiles deleted', () => {
    const path = join(dir, 'sub', 'app.log');
    const target = new RotatingFileTarget('main', {
      path,
      maxSize: 1024,
      maxFiles: 2,
    });
    const line = (n: number) =>
      Buffer.from(`${String(n).padStart(3, '0')}${'x'.repeat(508)}\n`);
    for (let n = 0; n < 7; n++) target.write(line(n));
    target.close();
    expect(readFileSync(path, 'utf8')).toBe(`${line(6).toString()}`);
    expect(readFileSync(`${path}.1`, 'utf8').slice(0, 3)).toBe('004');
    expect(readFileSync(`${path}.2`, 'utf8').slice(0, 3)).toBe('002');
    expect(existsSync(`${path}.3`)).toBe(false);
  });

  it('fails writes with ENOSPC on /dev/full without rotating', () => {
    const target = new RotatingFileTarget('main', {
      path: '/dev/full',
      maxSize: 1024,
      maxFiles: 1,
    });
    expect(() => target.write(Buffer.alloc(2048))).toThrow(
      expect.objectContaining({ code: 'ENOSPC' }),
    );
    target.close();
  });
});

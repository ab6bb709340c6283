import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DropReason,
  FLUSH_BYTES,
  LogSink,
  type SinkTarget,
} from './log-sink';
import { RotatingFileTarget } from './sink-targets';

const errno = (code: string) => Object.assign(new Error(code), { code });

/** A target that writes at most `chunk` bytes per call and fails as scripted ('' succeeds). */
class FakeTarget implements SinkTarget {
  readonly name = 'fake';
  written = '';
  writes = 0;
  failures: string[] = [];
  onWrite?: (written: string) => void;
  constructor(private readonly chunk = Infinity) {}
  write(data: Buffer): number {
    const code = this.failures.shift();
    if (code) throw errno(code);
    const n = Math.min(this.chunk, data.length);
    this.written += data.subarray(0, n).toString();
    this.writes++;
    this.onWrite?.(this.written);
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

  /** app.log in the test's folder, 1 KiB per file, three old files kept. */
  const rotatingLog = () => {
    const path = join(dir, 'app.log');
    const target = new RotatingFileTarget('main', {
      path,
      maxSize: 1024,
      maxFiles: 3,
    });
    return { path, target };
  };

  it('splits a batch at line ends so no file grows past maxSize', () => {
    const { path, target } = rotatingLog();
    const { sink } = sinkOn(target);
    const line = (n: number) =>
      `${String(n).padStart(3, '0')}${'x'.repeat(296)}\n`;
    for (let n = 0; n < 9; n++) sink.write(line(n)); // 2,700 bytes, one batch
    sink.close();
    const files = [`${path}.2`, `${path}.1`, path].map((f) =>
      readFileSync(f, 'utf8'),
    );
    expect(files.map((f) => f.length)).toEqual([900, 900, 900]);
    expect(files.join('')).toBe(
      Array.from({ length: 9 }, (_, n) => line(n)).join(''),
    );
  });

  it('gives a line longer than maxSize a file of its own, whole', () => {
    const { path, target } = rotatingLog();
    const long = `${'y'.repeat(2000)}\n`;
    let offset = 0;
    const data = Buffer.from(`a\n${long}b\n`);
    while (offset < data.length) offset += target.write(data.subarray(offset));
    target.close();
    expect(readFileSync(`${path}.2`, 'utf8')).toBe('a\n');
    expect(readFileSync(`${path}.1`, 'utf8')).toBe(long);
    expect(readFileSync(path, 'utf8')).toBe('b\n');
  });

  it('keeps every line in the active file when rotation fails, and says so', () => {
    const path = join(dir, 'app.log');
    // A non-empty directory where app.log.1 must go: the rename fails.
    mkdirSync(join(`${path}.1`, 'taken'), { recursive: true });
    const errors: unknown[] = [];
    const target = new RotatingFileTarget(
      'main',
      { path, maxSize: 1024, maxFiles: 1 },
      (error) => errors.push(error),
    );
    const { sink } = sinkOn(target);
    const line = `${'z'.repeat(599)}\n`;
    for (let n = 0; n < 4; n++) sink.write(line);
    sink.close();
    expect(readFileSync(path, 'utf8')).toBe(line.repeat(4));
    expect(errors.length).toBeGreaterThan(0);
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

describe('LogSink batching', () => {
  /** Resolves with what the target received at its next write. */
  const nextWrite = (target: FakeTarget) =>
    new Promise<string>((resolve) => (target.onWrite = resolve));

  it('writes once 16 KiB wait, in one write of whole lines, in order', () => {
    const target = new FakeTarget();
    const { sink } = sinkOn(target);
    const line = (n: number) => `{"n":${n},"pad":"${'x'.repeat(1000)}"}\n`;
    let n = 0;
    let queued = 0;
    while (queued + line(n).length < FLUSH_BYTES) queued += line(n++).length;
    for (let i = 0; i < n; i++) sink.write(line(i));
    expect(target.writes).toBe(0);
    sink.write(line(n));
    expect(target.writes).toBe(1);
    expect(target.written).toBe(
      Array.from({ length: n + 1 }, (_, i) => line(i)).join(''),
    );
    sink.close();
  });

  it('writes what waits after a short delay without another line', async () => {
    const target = new FakeTarget();
    const { sink } = sinkOn(target);
    const written = nextWrite(target);
    sink.write('1\n');
    sink.write('2\n');
    expect(await written).toBe('1\n2\n');
    expect(target.writes).toBe(1);
    sink.close();
  });

  it('hands a capture its lines every event-loop turn', async () => {
    const target = Object.assign(new FakeTarget(), { everyTurn: true });
    const { sink } = sinkOn(target);
    sink.write('1\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(target.written).toBe('1\n');
    sink.close();
  });

  it('keeps a copy of what EAGAIN left while the next lines reuse the buffer', () => {
    const target = new FakeTarget(3);
    const { sink, drops } = sinkOn(target);
    target.failures.push('', 'EAGAIN');
    sink.write('aaaa\n');
    sink.flushSync();
    expect(target.written).toBe('aaa');
    sink.write('bbbb\n');
    sink.flushSync();
    expect(target.written).toBe('aaaa\nbbbb\n');
    expect(drops).toEqual([]);
  });

  it('writes a line larger than its buffer whole', () => {
    const target = new FakeTarget();
    const { sink } = sinkOn(target);
    const big = `${'é'.repeat(40_000)}\n`;
    sink.write('1\n');
    sink.write(big);
    sink.flushSync();
    expect(target.written).toBe(`1\n${big}`);
  });

  it.each([
    ['process.exit()', 'process.exit(0);'],
    [
      'an uncaught exception',
      "setImmediate(() => { throw new Error('crash'); });",
    ],
    ['an unhandled rejection', "void Promise.reject(new Error('crash'));"],
    ['the event loop running empty', ''],
  ])('loses no line when the process ends by %s', (_, end) => {
    // A real process on the real stdout: the pipeline writes pending lines at exit.
    const child = spawnSync(process.execPath, ['-e', childScript(end)], {
      encoding: 'utf8',
      cwd: __dirname,
    });
    const lines = child.stdout.split('\n').filter(Boolean);
    expect(
      lines.map((l) => (JSON.parse(l) as { message: string }).message),
    ).toEqual(['line 0', 'line 1', 'line 2']);
  });
});

/**
 * A node script (TypeScript sources transpiled on require) that writes three lines
 * through a stdout pipeline, then runs `end`.
 */
function childScript(end: string): string {
  return `
const ts = require(${JSON.stringify(require.resolve('typescript'))});
require.extensions['.ts'] = (module, file) => module._compile(
  ts.transpileModule(require('node:fs').readFileSync(file, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText, file);
const { LogPipeline } = require('./log-pipeline');
const { resolveLoggingOptions } = require('./validate-logging-options');
const pipeline = new LogPipeline(resolveLoggingOptions({}, []), () => undefined);
for (let i = 0; i < 3; i++) pipeline.write('info', { logger: 'test' }, 'line ' + i);
${end}
`;
}

/** Why lines were dropped: the write failed, the destination is gone, or too much was waiting. */
export type DropReason = 'write_error' | 'closed' | 'overflow';

/** Called with every batch of lines a sink had to drop. */
export type DropListener = (
  destination: string,
  reason: DropReason,
  lines: number,
  error?: unknown,
) => void;

/** Where a sink's bytes go, written synchronously (`fs.writeSync` semantics). */
export interface SinkTarget {
  /** `stdout`, `main`, `security` or `error`: the `destination` label of dropped lines. */
  readonly name: string;
  /** Writes a prefix of `data`; returns how many bytes; throws on failure. */
  write(data: Buffer): number;
  close(): void;
}

// Errors after which the destination will never accept bytes again.
const GONE = new Set([
  'EPIPE',
  'EBADF',
  'ECONNRESET',
  'ENOTCONN',
  'EDESTADDRREQ',
]);
const RETRY_MS = 25;
const NEWLINE = 0x0a;

/**
 * Buffers the lines of one event-loop turn and writes them with one synchronous
 * write, so lines are never torn or reordered and a crash loses at most one turn.
 * A failing destination never throws into the app: lines it cannot take are counted
 * through `onDrop`, and memory stays bounded by `maxPendingBytes`.
 */
export class LogSink {
  private pending: string[] = [];
  private pendingBytes = 0;
  private carry: Buffer | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private retry: NodeJS.Timeout | undefined;
  private gone = false;
  private sync = false;

  constructor(
    private readonly target: SinkTarget,
    private readonly onDrop: DropListener,
    private readonly maxPendingBytes = 8 * 1024 * 1024,
  ) {}

  /** Queues one line (ending in `\n`). */
  write(line: string): void {
    if (this.gone) return this.onDrop(this.target.name, 'closed', 1);
    if (this.pendingBytes + line.length > this.maxPendingBytes)
      return this.onDrop(this.target.name, 'overflow', 1);
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.sync) return this.flushSync();
    if (this.immediate === undefined && this.retry === undefined)
      this.immediate = setImmediate(() => {
        this.immediate = undefined;
        this.flushSync();
      });
  }

  /** Writes everything queued now; used each turn, at shutdown and at process exit. */
  flushSync(): void {
    if (this.pending.length === 0 && this.carry === undefined) return;
    const text = this.pending.join('');
    this.pending = [];
    const fresh = Buffer.from(text, 'utf8');
    const data = this.carry ? Buffer.concat([this.carry, fresh]) : fresh;
    this.carry = undefined;
    this.pendingBytes = 0;
    let offset = 0;
    try {
      while (offset < data.length)
        offset += this.target.write(data.subarray(offset));
    } catch (error) {
      this.failed(data.subarray(offset), error);
    }
  }

  /**
   * Flushes now and writes every later line at once: for shutdown, when the process
   * may end (by signal) before another event-loop turn.
   */
  setSync(): void {
    this.sync = true;
    this.flushSync();
  }

  /** Flushes and closes the destination; later lines are dropped as `closed`. */
  close(): void {
    clearImmediate(this.immediate);
    clearTimeout(this.retry);
    this.immediate = this.retry = undefined;
    this.flushSync();
    this.gone = true;
    try {
      this.target.close();
    } catch {
      // already closed; nothing left to release
    }
  }

  private failed(rest: Buffer, error: unknown): void {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'EAGAIN' && !this.gone) {
      // A non-blocking pipe is full: keep the bytes (bounded) and try again shortly.
      this.carry = rest;
      this.pendingBytes = rest.length;
      if (this.retry === undefined) {
        this.retry = setTimeout(() => {
          this.retry = undefined;
          this.flushSync();
        }, RETRY_MS);
        this.retry.unref();
      }
      return;
    }
    if (code !== undefined && GONE.has(code)) this.gone = true;
    this.onDrop(
      this.target.name,
      this.gone ? 'closed' : 'write_error',
      linesIn(rest),
      error,
    );
  }
}

/** Lines that did not make it whole: every newline still unwritten ends one. */
function linesIn(rest: Buffer): number {
  let count = 0;
  for (
    let i = rest.indexOf(NEWLINE);
    i !== -1;
    i = rest.indexOf(NEWLINE, i + 1)
  )
    count++;
  return count;
}

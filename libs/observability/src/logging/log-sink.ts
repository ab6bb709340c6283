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
  /**
   * Hand lines over every event-loop turn instead of batching them for up to
   * {@link FLUSH_DELAY_MS}: for an in-memory capture read one turn after a request.
   */
  readonly everyTurn?: boolean;
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
/** `\n`, the byte that ends every line. */
export const NEWLINE = 0x0a;
/** Queued lines are written once this many bytes wait… */
export const FLUSH_BYTES = 16 * 1024;
/** …or this long after the first of them was queued, whichever comes first. */
export const FLUSH_DELAY_MS = 5;
// The queued text is encoded into a buffer of this size, reused once written.
const CHUNK_BYTES = 64 * 1024;
// UTF-8 takes at most 3 bytes per UTF-16 code unit.
const MAX_BYTES_PER_CHAR = 3;

/**
 * Batches lines and writes them with one synchronous write once 16 KiB wait or 5 ms
 * after the first, so lines are never torn or reordered, a busy process makes one
 * write per few dozen lines, and a hard crash (a kill, an abort) loses at most the
 * last 5 ms; an exception or `process.exit()` loses nothing (the pipeline flushes at
 * exit). A failing destination never throws into the app: lines it cannot take are
 * counted through `onDrop`, and memory stays bounded by `maxPendingBytes`.
 */
export class LogSink {
  // One string, not an array: the lines are ropes, flattened and encoded once per batch.
  private pending = '';
  private carry: Buffer | undefined;
  private chunk: Buffer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private scheduled = false;
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
    const waiting = this.pending.length + (this.carry?.length ?? 0);
    if (waiting + line.length > this.maxPendingBytes)
      return this.onDrop(this.target.name, 'overflow', 1);
    this.pending += line;
    if (this.sync) return this.flushSync();
    if (this.retry !== undefined) return; // the retry writes everything
    if (this.pending.length >= FLUSH_BYTES) return this.flushSync();
    if (!this.scheduled) this.schedule();
  }

  /** Writes everything queued now; used by the timer, at shutdown and at process exit. */
  flushSync(): void {
    this.scheduled = false;
    if (this.pending.length === 0 && this.carry === undefined) return;
    const fresh = this.encode(this.pending);
    this.pending = '';
    const data = this.carry ? Buffer.concat([this.carry, fresh]) : fresh;
    this.carry = undefined;
    let offset = 0;
    try {
      while (offset < data.length)
        offset += this.target.write(data.subarray(offset));
    } catch (error) {
      // The reused chunk takes the next lines: what is kept must be a copy.
      this.failed(Buffer.from(data.subarray(offset)), error);
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
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    clearTimeout(this.retry);
    this.timer = this.immediate = this.retry = undefined;
    this.flushSync();
    this.gone = true;
    try {
      this.target.close();
    } catch {
      // already closed; nothing left to release
    }
  }

  /** `text` as UTF-8, in the reused chunk when it fits. */
  private encode(text: string): Buffer {
    if (text.length * MAX_BYTES_PER_CHAR > CHUNK_BYTES)
      return Buffer.from(text, 'utf8');
    this.chunk ??= Buffer.allocUnsafe(CHUNK_BYTES);
    return this.chunk.subarray(0, this.chunk.write(text, 0));
  }

  private schedule(): void {
    this.scheduled = true;
    if (this.target.everyTurn === true) {
      this.immediate ??= setImmediate(() => {
        this.immediate = undefined;
        if (this.scheduled) this.flushSync();
      });
      return;
    }
    // One timer per sink, re-armed; unref'd: the pipeline flushes at exit.
    if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        if (this.scheduled) this.flushSync();
      }, FLUSH_DELAY_MS);
      this.timer.unref();
    } else this.timer.refresh();
  }

  private failed(rest: Buffer, error: unknown): void {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'EAGAIN' && !this.gone) {
      // A non-blocking pipe is full: keep the bytes (bounded) and try again shortly.
      this.carry = rest;
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

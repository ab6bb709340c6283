import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { NEWLINE, type SinkTarget } from './log-sink';
import type { ResolvedLogFile } from './logging-options.interface';
import type { LogCapture } from '../sdk/running-sdk';

/** The process's stdout (fd 1), written directly so a closed pipe surfaces as EPIPE here. */
export class StdoutTarget implements SinkTarget {
  readonly name = 'stdout';

  write(data: Buffer): number {
    return writeSync(1, data);
  }

  close(): void {
    // stdout belongs to the process
  }
}

/** The testing kit's capture standing in for stdout (`RunningSdk.stdout`). */
export class CapturedStdoutTarget implements SinkTarget {
  readonly name = 'stdout';
  // The testing kit reads its lines one event-loop turn after a request.
  readonly everyTurn = true;

  constructor(private readonly capture: LogCapture) {}

  write(data: Buffer): number {
    return this.capture.write(data);
  }

  close(): void {
    // the capture belongs to the test
  }
}

/**
 * A file rotated by size the way Python's `RotatingFileHandler` does it: `app.log` is
 * always the active file (what log shippers tail), older ones are renamed `app.log.1`
 * (newest) to `app.log.<maxFiles>`, and the oldest beyond that is deleted.
 */
export class RotatingFileTarget implements SinkTarget {
  private fd: number | undefined;
  private size = 0;

  constructor(
    readonly name: string,
    private readonly file: ResolvedLogFile,
    private readonly onRotateError: (error: unknown) => void = () => undefined,
  ) {
    try {
      this.open();
    } catch {
      // reported through the sink at the first write, which retries the open
    }
  }

  /**
   * Writes the whole lines of a batch that fit under `maxSize`; the sink calls again with
   * the rest, which then starts a new file. A single line longer than `maxSize` goes whole
   * into a file of its own: lines are never split.
   */
  write(data: Buffer): number {
    if (this.fd === undefined) this.open();
    let length = this.fitting(data);
    if (length === 0 && this.size > 0) {
      this.rotate();
      // A failed rotation reopens the full file: keep writing to it, retry next batch.
      length = this.size > 0 ? data.length : this.fitting(data);
    }
    if (length === 0) length = firstLine(data);
    const written = writeSync(this.fd as number, data, 0, length);
    this.size += written;
    return written;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** How many bytes of `data`, in whole lines, still fit in the active file. */
  private fitting(data: Buffer): number {
    const room = this.file.maxSize - this.size;
    if (data.length <= room) return data.length;
    return room > 0 ? data.lastIndexOf(NEWLINE, room - 1) + 1 : 0;
  }

  private open(): void {
    mkdirSync(dirname(this.file.path), { recursive: true });
    const fd = openSync(this.file.path, 'a', 0o640);
    this.fd = fd;
    this.size = fstatSync(fd).size;
  }

  private rotate(): void {
    const { path, maxFiles } = this.file;
    this.close();
    try {
      removeIfPresent(`${path}.${maxFiles}`);
      for (let i = maxFiles - 1; i >= 1; i--)
        renameIfPresent(`${path}.${i}`, `${path}.${i + 1}`);
      renameIfPresent(path, `${path}.1`);
    } catch (error) {
      // Keep logging into the oversized file rather than losing lines; retried next time.
      this.onRotateError(error);
    }
    this.open();
  }
}

/** The length of the first line of `data`, its newline included. */
function firstLine(data: Buffer): number {
  const end = data.indexOf(NEWLINE);
  return end === -1 ? data.length : end + 1;
}

function renameIfPresent(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function removeIfPresent(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

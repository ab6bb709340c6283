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
import type { SinkTarget } from './log-sink';
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

  write(data: Buffer): number {
    if (this.fd === undefined) this.open();
    if (this.size > 0 && this.size + data.length > this.file.maxSize)
      this.rotate();
    const written = writeSync(this.fd as number, data);
    this.size += written;
    return written;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
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

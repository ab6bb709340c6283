import type { LogCapture } from '../sdk/running-sdk';

/** One JSON log line as the request log and the app's logger wrote it. */
export type LogLine = Record<string, unknown>;

// Bounded: a test that logs in a loop keeps the newest lines, not all of them.
const MAX_LINES = 10_000;

/**
 * Stands in for stdout in a test: keeps the main log stream's lines, parsed, instead
 * of writing them to file descriptor 1. A line that is not JSON is kept as `{ msg }`.
 */
export class LogLines implements LogCapture {
  private lines: LogLine[] = [];
  private partial = '';

  write(data: Buffer): number {
    const text = this.partial + data.toString('utf8');
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    for (const part of parts) if (part !== '') this.push(parse(part));
    return data.length;
  }

  /** Every line kept since the last {@link clear}, oldest first. */
  all(): readonly LogLine[] {
    return this.lines;
  }

  clear(): void {
    this.lines = [];
    this.partial = '';
  }

  private push(line: LogLine): void {
    this.lines.push(line);
    if (this.lines.length > MAX_LINES) this.lines.shift();
  }
}

function parse(text: string): LogLine {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as LogLine;
  } catch {
    // not JSON: kept as its text
  }
  return { msg: text };
}

/**
 * Hands records from instrumentations that start in the preload (pg, ioredis) to the
 * module's metrics once it attaches. Until then, records wait in a bounded buffer, so
 * queries run while the app boots (migrations) are still counted; past the bound they
 * are counted as lost instead of growing memory.
 */
export class RecordHub<T> {
  private sink: ((record: T) => void) | undefined;
  private pending: T[] = [];
  /** Records that arrived before a sink, beyond the buffer. */
  lost = 0;

  constructor(private readonly capacity = 1_000) {}

  /** Delivers `record` now, or buffers it until a sink attaches. */
  record(record: T): void {
    if (this.sink) {
      this.sink(record);
    } else if (this.pending.length < this.capacity) {
      this.pending.push(record);
    } else {
      this.lost++;
    }
  }

  /** Sets the sink (replacing any earlier one) and flushes what was buffered. */
  attach(sink: (record: T) => void): void {
    this.sink = sink;
    const pending = this.pending;
    this.pending = [];
    for (const record of pending) sink(record);
  }

  /** Detaches the sink; later records buffer again. */
  detach(): void {
    this.sink = undefined;
  }
}

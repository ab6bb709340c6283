import {
  renderSpanTree,
  spanTree,
  type ReceivedRequest,
  type ReceivedSpan,
} from './received-span';

export type SpanCondition = number | ((spans: ReceivedSpan[]) => boolean);

/** Accessors every receiver (HTTP or UDP) exposes. */
export interface TraceReceiver {
  port: number;
  spans(): ReceivedSpan[];
  requests(): ReceivedRequest[];
  /** Resolves with all spans once `count` spans arrived or `predicate(allSpans)` holds. */
  waitForSpans(
    condition: SpanCondition,
    timeoutMs: number,
  ): Promise<ReceivedSpan[]>;
  /** Forgets received spans and requests. */
  reset(): void;
  close(): Promise<void>;
}

/** Received spans and requests, plus bounded waiting; shared by all receivers. */
export class SpanStore {
  private readonly received: ReceivedSpan[] = [];
  private readonly log: ReceivedRequest[] = [];
  private readonly waiters = new Set<() => void>();

  spans = (): ReceivedSpan[] => [...this.received];
  requests = (): ReceivedRequest[] => this.log.map((r) => ({ ...r }));

  /** Records a request; the returned object may be updated later (status). */
  record(request: ReceivedRequest, spans: ReceivedSpan[]): ReceivedRequest {
    this.log.push(request);
    this.received.push(...spans);
    this.waiters.forEach((wake) => wake());
    return request;
  }

  reset = (): void => {
    this.received.length = 0;
    this.log.length = 0;
  };

  waitForSpans = (
    condition: SpanCondition,
    timeoutMs: number,
  ): Promise<ReceivedSpan[]> => {
    const done = () =>
      typeof condition === 'number'
        ? this.received.length >= condition
        : condition(this.spans());
    return new Promise((resolve, reject) => {
      // A throwing predicate rejects this wait instead of escaping into the receiver.
      const check = () => {
        try {
          if (!done()) return;
          finish();
          resolve(this.spans());
        } catch (error) {
          finish();
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      };
      const timer = setTimeout(() => {
        finish();
        const want =
          typeof condition === 'number' ? `${condition} span(s)` : 'predicate';
        const got = renderSpanTree(spanTree(this.received)) || '(none)\n';
        reject(
          new Error(
            `Timed out after ${timeoutMs}ms waiting for ${want}; got ${this.received.length}:\n${got}`,
          ),
        );
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  };
}

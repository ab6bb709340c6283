import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** Which real exporter the thread runs, with its constructor config. */
export type ExporterSpec =
  | {
      kind: 'otlp-proto' | 'otlp-json';
      url: string;
      compression?: 'gzip' | 'none';
      timeoutMillis?: number;
    }
  | {
      kind: 'jaeger';
      endpoint?: string;
      host?: string;
      port?: number;
      flushTimeout?: number;
    };

/** The three-span tree the thread builds (server → internal child with event → client error). */
export interface TreeSpec {
  root: { name: string; attributes: Record<string, unknown> };
  child: {
    name: string;
    attributes: Record<string, unknown>;
    event: { name: string; attributes: Record<string, unknown> };
  };
  client: { name: string; attributes: Record<string, unknown>; error: string };
}

type HrTime = [number, number];
/** A ReadableSpan as the SDK handed it to the exporter: the expected values. */
export interface SentSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  status: { code: number; message?: string };
  events: { name: string; attributes: Record<string, unknown> }[];
  startTime: HrTime;
  endTime: HrTime;
  duration: HrTime;
  resource: Record<string, unknown>;
}

export interface ExportOutcome {
  code: 'SUCCESS' | 'FAILED';
  error?: string;
  ms: number;
}

export interface ExporterThread {
  /** Builds `tree` on a private provider over the exporter, force-flushes and shuts it down. */
  exportTree(tree: TreeSpec): Promise<{ sent: SentSpan[]; shutdownMs: number }>;
  /** Calls `exporter.export([oneSpan])` directly and reports the ExportResult. */
  exportOne(name: string): Promise<ExportOutcome>;
  shutdown(): Promise<{ ms: number }>;
  terminate(): Promise<void>;
}

const WORKER = join(__dirname, 'exporter-worker.js');

/**
 * Starts a worker thread (same process) running a real exporter; see exporter-worker.js for why
 * it is not loaded inside Jest's sandbox. Every call is bounded by `callTimeoutMs`.
 */
export function startExporterThread(
  spec: ExporterSpec,
  resource: Record<string, string> = {},
  callTimeoutMs = 15_000,
): ExporterThread {
  const worker = new Worker(WORKER, { workerData: { spec, resource } });
  const pending = new Map<number, (reply: Reply) => void>();
  interface Reply {
    id: number;
    ok: boolean;
    value?: unknown;
    error?: string;
  }
  worker.on('message', (reply: Reply) => pending.get(reply.id)?.(reply));
  worker.on('error', (error) =>
    pending.forEach((settle, id) =>
      settle({ id, ok: false, error: String(error) }),
    ),
  );
  let nextId = 0;
  const call = <T>(op: string, extra: object = {}): Promise<T> => {
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          settle({
            id,
            ok: false,
            error: `${op} took over ${callTimeoutMs}ms`,
          }),
        callTimeoutMs,
      );
      const settle = (reply: Reply) => {
        clearTimeout(timer);
        pending.delete(id);
        if (reply.ok) resolve(reply.value as T);
        else reject(new Error(`exporter thread ${op}: ${reply.error}`));
      };
      pending.set(id, settle);
      worker.postMessage({ id, op, ...extra });
    });
  };
  return {
    exportTree: (tree) => call('tree', { tree }),
    exportOne: (name) => call('export', { name }),
    shutdown: () => call('shutdown'),
    terminate: async () => {
      await worker.terminate();
    },
  };
}

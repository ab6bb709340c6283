import { context, metrics, propagation, trace } from '@opentelemetry/api';
import type { NodeSDK } from '@opentelemetry/sdk-node';
import { getRunningSdk, setRunningSdk, type RunningSdk } from './running-sdk';
import { setShutdownDeadline } from './shutdown-deadline';

// The span processor stops this much before the deadline, so its summary line is written
// before the process may exit.
const SUMMARY_MARGIN_MS = 100;

/**
 * Flushes the last batch and stops every signal, giving up after `timeoutMs` (an
 * exporter that is down must not hold the process). The span processor waits for the
 * export in flight, sends what is queued, and logs one line with the spans sent and
 * lost. Then clears the OpenTelemetry
 * globals and the registry, so a later `startObservability()` starts afresh.
 */
export async function shutdownSdk(
  sdk: NodeSDK,
  running: RunningSdk,
  timeoutMs: number,
): Promise<void> {
  setShutdownDeadline(
    running.stats,
    Date.now() + Math.max(0, timeoutMs - SUMMARY_MARGIN_MS),
  );
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    timer.unref();
    sdk.shutdown().then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error: unknown) => {
        clearTimeout(timer);
        running.reporter.warn(
          'shutdown',
          'Flushing telemetry at shutdown failed',
          error,
        );
        resolve();
      },
    );
  });
  if (getRunningSdk() === running) {
    trace.disable();
    metrics.disable();
    propagation.disable();
    context.disable();
    setRunningSdk(undefined);
  }
}

import { DemoClient } from './demo-client';
import { DEMO_MAIN, DEMO_READY, startFixture } from './fixture-process';

/** A demo process and a client for it. */
export interface SlowBootDemo {
  url: (path: string) => string;
  api: DemoClient;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts the demo exactly as `startDemo` does (`node --import <register> main.js`,
 * same base environment), but waits up to `readyTimeoutMs` for the listening line:
 * the embedded Postgres's first start runs initdb in WebAssembly, which takes long on
 * a loaded 2-core machine.
 */
export async function startSlowBootDemo(
  env: Record<string, string>,
  readyTimeoutMs = 150_000,
): Promise<SlowBootDemo> {
  const app = await startFixture({
    entry: DEMO_MAIN,
    readyPattern: DEMO_READY,
    readyTimeoutMs,
    env,
  });
  return {
    url: app.url,
    api: new DemoClient(app.url),
    output: app.output,
    stop: app.stop,
  };
}

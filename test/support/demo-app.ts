import { DemoClient, TEST_DATABASE_URL } from './demo-client';
import {
  type Adapter,
  DEMO_MAIN,
  DEMO_READY,
  startFixture,
  type RunningFixture,
} from './fixture-process';

/** A demo process started the way `npm run demo` starts it, and a client for it. */
export interface DemoApp {
  app: RunningFixture;
  api: DemoClient;
}

/**
 * Spawns `node --import @prs/nestjs-observability/register dist/apps/demo/main.js`
 * on `PORT=0` against the test database and the machine's Redis (override with `env`).
 */
export async function startDemo(
  adapter: Adapter,
  env: Record<string, string> = {},
): Promise<DemoApp> {
  const app = await startFixture({
    entry: DEMO_MAIN,
    readyPattern: DEMO_READY,
    env: {
      DEMO_ADAPTER: adapter,
      DATABASE_URL: TEST_DATABASE_URL,
      OTEL_SERVICE_NAME: 'prs-backend',
      ...env,
    },
  });
  return { app, api: new DemoClient(app.url) };
}

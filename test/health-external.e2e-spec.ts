import { execFileSync } from 'node:child_process';
import { linesOf, scrape } from './support/exposition';
import {
  ADAPTERS,
  REPO_ROOT,
  type RunningFixture,
} from './support/fixture-process';
import {
  ISO_TIMESTAMP,
  startHealthFixture,
  timedGet,
} from './support/health-fixture';
import {
  type HangingServer,
  startFakeS3,
  startFakeSmtp,
  startHangingServer,
} from './support/private-services';

const TIMEOUT_MS = 1500;
const DEADLINE_MS = 2000;
// Timer and event-loop lag inside the app, on top of the deadline (Server-Timing).
const SERVER_SLACK_MS = 150;
const BUCKET = 'prs-media';
const S3_KEYS = { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake-secret-key' };

/** SMTP (nodemailer) and S3 (HeadBucket) checks against private servers. */
describe.each(ADAPTERS)('external services (%s)', (adapter) => {
  const apps: RunningFixture[] = [];
  const closers: (() => Promise<void>)[] = [];
  let hanging: HangingServer;
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await Promise.all(closers.map((close) => close()));
  });

  beforeAll(async () => {
    const smtp = await startFakeSmtp();
    const s3 = await startFakeS3(BUCKET);
    hanging = await startHangingServer();
    closers.push(smtp.close, s3.close, hanging.close);
    const base = {
      details: 'always',
      version: '9.9.9',
      timeoutMs: TIMEOUT_MS,
      deadlineMs: DEADLINE_MS,
    };
    const s3Options = (bucket: string) => ({
      bucket,
      endpoint: `http://127.0.0.1:${s3.port}`,
      forcePathStyle: true,
      credentials: S3_KEYS,
    });
    apps.push(
      await startHealthFixture(adapter, {
        health: {
          ...base,
          smtp: { host: '127.0.0.1', port: smtp.port },
          s3: s3Options(BUCKET),
        },
      }),
      await startHealthFixture(adapter, {
        health: {
          ...base,
          smtp: { host: '127.0.0.1', port: hanging.port },
          s3: s3Options('missing-bucket'),
        },
      }),
    );
  });

  it('reports both services healthy', async () => {
    const { status, body } = await timedGet(
      (apps[0] as RunningFixture).url('/api/health/'),
    );
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'healthy',
      timestamp: ISO_TIMESTAMP,
      version: '9.9.9',
      checks: {
        disk: expect.objectContaining({ healthy: true }),
        external_services: {
          healthy: true,
          services: { email: true, s3: true },
          details: 'Checked 2 external services',
        },
        application: { healthy: true, details: 'Application health OK' },
      },
    });
  });

  it('reports a hung SMTP server and a missing bucket within the deadline, masked', async () => {
    const app = apps[1] as RunningFixture;
    const answer = await timedGet(app.url('/api/health/'));
    expect(answer.status).toBe(503);
    expect(answer.serverMs).toBeLessThan(DEADLINE_MS + SERVER_SLACK_MS);
    expect(answer.body).toMatchObject({
      status: 'unhealthy',
      checks: {
        external_services: {
          healthy: false,
          services: { email: false, s3: false },
          errors: {
            email: expect.stringMatching(
              /^(timeout after 1500 ms|connection timed out)$/,
            ),
            s3: 'not found (HTTP 404)',
          },
          details: 'Checked 2 external services',
        },
      },
    });
    // Readiness never depends on external services.
    expect((await timedGet(app.url('/health/ready'))).status).toBe(200);
    const text = await scrape(app.url('/metrics'));
    expect(linesOf(text, 'prs_health_check_status').sort()).toEqual([
      'prs_health_check_status{check="application"} 1',
      'prs_health_check_status{check="disk"} 1',
      'prs_health_check_status{check="email"} 0',
      'prs_health_check_status{check="s3"} 0',
    ]);
    expect(app.output()).not.toContain(S3_KEYS.secretAccessKey);
  });
});

describe('optional peers', () => {
  it('are not loaded by the library until their check runs', () => {
    const script =
      "require('@prs/nestjs-observability');" +
      'const loaded = Object.keys(require.cache).filter((k) => /node_modules[\\\\/](nodemailer|@aws-sdk|pg|ioredis)[\\\\/]/.test(k));' +
      'process.stdout.write(JSON.stringify(loaded));';
    const output = execFileSync(process.execPath, ['-e', script], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(JSON.parse(output)).toEqual([]);
  });
});

import { createServer } from 'node:net';
import { eventually, jsonLines } from './support/demo-client';
import { startDemo } from './support/demo-app';
import { ADAPTERS, type RunningFixture } from './support/fixture-process';

const CANARIES = {
  redisPassword: 'canaryRedisPw7f3a',
  databasePassword: 'canaryDbPw51c9',
  otlpUser: 'canaryOtlpUser0b2e',
  otlpPassword: 'canaryOtlpPw9d4d',
  authorization: 'canaryBearerToken6e1f',
  tokenSecret: 'canaryTokenSecret3a8c',
  healthToken: 'canaryHealthToken77d0',
  s3User: 'canaryS3User4c2b',
  s3Password: 'canaryS3Pw8e5a',
};
/** Above both adapters' default body limits (Express 100 KB, Fastify 1 MiB). */
const OVERSIZED_BYTES = 3 * 1024 * 1024;

/** A port nothing listens on, so every OTLP export fails and its failure is logged. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.each(ADAPTERS)('demo secrets and hostile input on %s', (adapter) => {
  let app: RunningFixture;

  beforeAll(async () => {
    const otlpPort = await closedPort();
    ({ app } = await startDemo(adapter, {
      DATABASE_URL: `postgres://postgres:${CANARIES.databasePassword}@127.0.0.1:5432/test`,
      REDIS_URL: `redis://:${CANARIES.redisPassword}@127.0.0.1:6379`,
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://${CANARIES.otlpUser}:${CANARIES.otlpPassword}@127.0.0.1:${otlpPort}`,
      OTEL_BSP_SCHEDULE_DELAY: '200',
      DEMO_TOKEN_SECRET: CANARIES.tokenSecret,
      HEALTH_TOKEN: CANARIES.healthToken,
      S3_BUCKET: 'prs-demo',
      S3_ENDPOINT: `http://${CANARIES.s3User}:${CANARIES.s3Password}@127.0.0.1:${otlpPort}`,
    }));
  }, 120_000);
  afterAll(() => app?.stop());

  const login = (body: string, headers: Record<string, string> = {}) =>
    fetch(app.url('/api/auth/login'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  it('answers a NUL character in the username with 400 naming the field, not 500', async () => {
    const res = await login(
      JSON.stringify({ username: 'al\u0000ice', password: 'prs-demo' }),
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      errors: [
        { field: 'username', message: 'must not contain control characters' },
      ],
    });
  });

  it('answers a 3 MB body with 413, logged once at warn (the request line) with no stack and no error line', async () => {
    const res = await login(
      JSON.stringify({ username: 'a'.repeat(OVERSIZED_BYTES) }),
    );
    expect(res.status).toBe(413);
    const requestLines = () =>
      jsonLines(app.output()).lines.filter(
        (line) =>
          line.logger === 'http' &&
          (line.request as { status?: number } | undefined)?.status === 413,
      );
    await eventually(
      () => requestLines().length > 0,
      10_000,
      'no 413 request line',
    );
    expect(requestLines().map((line) => line.level)).toEqual(['WARNING']);
    const noisy = jsonLines(app.output()).lines.filter(
      (line) =>
        line.level === 'ERROR' ||
        line.level === 'FATAL' ||
        JSON.stringify(line).includes('PayloadTooLarge') ||
        JSON.stringify(line).includes('"stack"'),
    );
    expect(noisy).toEqual([]);
  });

  it('prints none of the 9 canaries (Redis, database, OTLP and S3 passwords, OTLP and S3 users, bearer token, token secret, health token) on any line of stdout or stderr', async () => {
    const res = await login(
      JSON.stringify({ username: 'nobody', password: 'wrong-password' }),
      { authorization: `Bearer ${CANARIES.authorization}` },
    );
    expect(res.status).toBe(401);
    // The full health report runs every check, the S3 one against its refused endpoint.
    const health = await fetch(app.url('/api/health/'), {
      headers: { authorization: `Bearer ${CANARIES.healthToken}` },
    });
    expect(health.status).toBe(503);
    // The failed OTLP export (and its endpoint) is logged once spans are batched out.
    await eventually(
      () => /Exporting spans to \S+ failed/.test(app.output()),
      15_000,
      'no export failure line',
    );
    const output = app.output();
    // The banner still says where things are, without the userinfo.
    expect(output).toContain('Redis at redis://:***@127.0.0.1:6379');
    expect(output).toContain(
      'Postgres at postgres://postgres:***@127.0.0.1:5432/test',
    );
    expect(output).toMatch(/Traces: OTLP http:\/\/\*\*\*@127\.0\.0\.1:\d+\//);
    const leaks = output
      .split('\n')
      .filter((line) =>
        Object.values(CANARIES).some((canary) => line.includes(canary)),
      );
    expect(leaks).toEqual([]);
  });
});

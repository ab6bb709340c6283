import { startFixture, type RunningFixture } from './support/fixture-process';
import { linesOf, parseSamples, scrape, valueOf } from './support/exposition';

describe('series budget', () => {
  let app: RunningFixture;
  beforeAll(async () => {
    app = await startFixture({ options: { metrics: { seriesLimit: 3 } } });
  });
  afterAll(() => app.stop());

  it('folds label sets past the limit into one visible overflow series, losing and double-counting nothing', async () => {
    const paths = [
      '/api/items/1',
      '/api/v1/deals/1',
      '/api/fixture/conflict',
      '/api/fixture/guarded',
      '/nope',
      '/api/items/2',
    ];
    for (const path of paths) await fetch(app.url(path));
    const text = await scrape(app.url('/metrics'));
    expect(linesOf(text, 'prs_http_requests_total').sort()).toEqual(
      [
        'prs_http_requests_total{method="GET",endpoint="/api/items/:id",status_code="200"} 2',
        'prs_http_requests_total{method="GET",endpoint="/api/v1/deals/:id",status_code="200"} 1',
        'prs_http_requests_total{method="GET",endpoint="/api/fixture/conflict",status_code="409"} 1',
        'prs_http_requests_total{method="__overflow__",endpoint="__overflow__",status_code="__overflow__"} 2',
      ].sort(),
    );
    const total = parseSamples(text)
      .filter((s) => s.name === 'prs_http_requests_total')
      .reduce((sum, s) => sum + s.value, 0);
    expect(total).toBe(paths.length);
    expect(
      valueOf(text, 'prs_metric_series_overflow_total', {
        metric: 'prs_http_requests_total',
      }),
    ).toBe(2);
    expect(
      valueOf(text, 'prs_http_request_duration_seconds_count', {
        endpoint: '__overflow__',
      }),
    ).toBe(2);
  });
});

describe('prefix and buckets from options (forRootAsync useFactory)', () => {
  let app: RunningFixture;
  beforeAll(async () => {
    app = await startFixture({
      adapter: 'fastify',
      asyncShape: 'factory',
      options: {
        metrics: { prefix: 'acme' },
        http: { durationBuckets: [0.1, 1] },
      },
    });
  });
  afterAll(() => app.stop());

  it('names every metric with the prefix and uses the configured buckets', async () => {
    await fetch(app.url('/api/items/1'));
    const text = await scrape(app.url('/metrics'));
    expect(text).not.toContain('prs_');
    expect(linesOf(text, 'acme_http_requests_total')).toEqual([
      'acme_http_requests_total{method="GET",endpoint="/api/items/:id",status_code="200"} 1',
    ]);
    expect(
      linesOf(text, 'acme_http_request_duration_seconds_bucket').map(
        (l) => /le="([^"]+)"/.exec(l)?.[1],
      ),
    ).toEqual(['0.1', '1', '+Inf']);
  });
});

describe.each([
  [
    'bearer',
    { bearerToken: 's3cret-token' },
    'Bearer s3cret-token',
    'Bearer wrong-token',
  ],
  [
    'basic',
    { username: 'prom', password: 'pa55word' },
    `Basic ${Buffer.from('prom:pa55word').toString('base64')}`,
    `Basic ${Buffer.from('prom:wrong').toString('base64')}`,
  ],
])('%s auth on /metrics', (_scheme, auth, good, bad) => {
  let app: RunningFixture;
  beforeAll(async () => {
    app = await startFixture({ options: { metrics: { auth } } });
    await fetch(app.url('/api/items/1'));
  });
  afterAll(() => app.stop());

  it.each([
    ['no credentials', undefined],
    ['wrong credentials', bad],
    ['another scheme', 'Digest abc'],
  ])('answers 401 without metric bytes for %s', async (_case, header) => {
    const res = await fetch(
      app.url('/metrics'),
      header ? { headers: { authorization: header } } : {},
    );
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/realm="metrics"/);
    expect(await res.text()).toBe('Unauthorized\n');
  });

  it('serves metrics with the right credentials', async () => {
    const text = await scrape(app.url('/metrics'), {
      headers: { authorization: good },
    });
    expect(
      valueOf(text, 'prs_http_requests_total', { endpoint: '/api/items/:id' }),
    ).toBe(1);
  });
});

describe('dedicated metrics port', () => {
  let app: RunningFixture;
  beforeAll(async () => {
    app = await startFixture({ options: { metrics: { port: 0 } } });
  });
  afterAll(() => app.stop());

  it('serves /metrics on loopback only there, and not on the application port', async () => {
    const match =
      /Prometheus metrics at http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(
        app.output(),
      );
    expect(match).not.toBeNull();
    const metricsUrl = `http://127.0.0.1:${match?.[1]}`;
    await fetch(app.url('/api/items/1'));
    expect((await fetch(app.url('/metrics'))).status).toBe(404);
    expect((await fetch(`${metricsUrl}/other`)).status).toBe(404);
    const text = await scrape(`${metricsUrl}/metrics/`);
    expect(
      valueOf(text, 'prs_http_requests_total', { endpoint: '/api/items/:id' }),
    ).toBe(1);
    // The app-port 404 for /metrics is not counted: the metrics path is always excluded.
    expect(
      valueOf(text, 'prs_http_requests_total', { endpoint: 'unmatched' }),
    ).toBeUndefined();
  });
});

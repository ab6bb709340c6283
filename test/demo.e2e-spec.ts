import {
  ADAPTERS,
  DEMO_MAIN,
  DEMO_READY,
  startFixture,
  type RunningFixture,
} from './support/fixture-process';
import { scrape, valueOf } from './support/exposition';

describe.each(ADAPTERS)('demo app skeleton on %s', (adapter) => {
  let app: RunningFixture;
  beforeAll(async () => {
    app = await startFixture({
      entry: DEMO_MAIN,
      readyPattern: DEMO_READY,
      env: { DEMO_ADAPTER: adapter },
    });
  });
  afterAll(() => app.stop());

  it('boots with the SDK preloaded and records its routes', async () => {
    expect(app.output()).toContain(`PRS demo (${adapter}) listening on`);
    expect(await (await fetch(app.url('/api/deals/1'))).json()).toMatchObject({
      id: 1,
      client: 'Acme Ltd',
    });
    expect((await fetch(app.url('/api/deals/999'))).status).toBe(404);
    expect((await fetch(app.url('/api/deals/abc'))).status).toBe(400);
    const text = await scrape(app.url('/metrics/'));
    expect(
      valueOf(text, 'prs_http_requests_total', {
        endpoint: '/api/deals/:id',
        status_code: '200',
      }),
    ).toBe(1);
    expect(
      valueOf(text, 'prs_http_requests_total', {
        endpoint: '/api/deals/:id',
        status_code: '404',
      }),
    ).toBe(1);
    expect(
      valueOf(text, 'prs_http_requests_total', {
        endpoint: '/api/deals/:id',
        status_code: '400',
      }),
    ).toBe(1);
  });
});

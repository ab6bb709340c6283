import {
  ADAPTERS,
  runFixtureToExit,
  startFixture,
} from './support/fixture-process';
import { scrape } from './support/exposition';

/**
 * The `slo` option at startup, in a real Nest app on each adapter: objectives are
 * validated with the options, their routes once Nest registered them (global prefix
 * `api` and URI versioning included), and every problem comes in one error.
 */
const objective = (name: string, extra: object) => ({
  name,
  kind: 'availability',
  objective: 99.9,
  ...extra,
});

describe.each(ADAPTERS)(
  'service level objectives at startup on %s',
  (adapter) => {
    it('starts with objectives on existing routes (prefixed, versioned, whole service)', async () => {
      const app = await startFixture({
        adapter,
        options: {
          slo: {
            service: 'fixture',
            objectives: [
              objective('items', { route: 'GET /api/items/:id' }),
              objective('create-item', { route: 'POST /api/items' }),
              objective('deals-v1', { route: 'GET /api/v1/deals/:id' }),
              {
                name: 'items-latency',
                kind: 'latency',
                route: 'GET /api/items/:id',
                objective: 99,
                threshold: 0.25,
              },
              objective('everything', {}),
            ],
          },
        },
      });
      try {
        expect((await fetch(app.url('/api/items/1'))).status).toBe(200);
        expect(await scrape(app.url('/metrics'))).toContain(
          'endpoint="/api/items/:id"',
        );
      } finally {
        await app.stop();
      }
    });

    it('fails with one error listing invalid objectives and unknown routes', async () => {
      const { code, output } = await runFixtureToExit({
        adapter,
        options: {
          slo: {
            service: 'fixture',
            objectives: [
              {
                name: 'items-latency',
                kind: 'latency',
                route: 'GET /api/items/:id',
                objective: 99,
                threshold: 0.3,
              },
              objective('perfect', { objective: 100 }),
              objective('typo', { route: 'GET /api/item/:id' }),
              objective('wrong-method', { route: 'DELETE /api/items/:id' }),
              objective('no-prefix', { route: 'GET /items/:id' }),
            ],
          },
        },
      });
      expect(code).not.toBe(0);
      expect(output).toContain(
        // The fixture prints the error's message after FIXTURE_FAILED.
        'FIXTURE_FAILED ObservabilityModule options validation error (5 problems):\n' +
          '  - slo.objectives[0].threshold: 0.3 s is not a bucket bound of prs_http_request_duration_seconds, ' +
          'so the share of requests under it cannot be measured; the nearest bounds are 0.25 or 0.5 (or add it to http.durationBuckets)\n' +
          '  - slo.objectives[1].objective: must be a percentage above 0 and below 100, e.g. 99.9 (got 100): ' +
          'a 100 % objective leaves no error budget to alert on\n' +
          '  - slo.objectives[2].route: the app has no route GET /api/item/:id; check the global prefix and the parameter names ' +
          '(the route as the endpoint label shows it)\n' +
          '  - slo.objectives[3].route: the app has no route DELETE /api/items/:id; the app serves /api/items/:id for GET\n' +
          '  - slo.objectives[4].route: the app has no route GET /items/:id; check the global prefix and the parameter names ' +
          '(the route as the endpoint label shows it)\n',
      );
      expect(output).not.toContain('FIXTURE_LISTENING');
    });
  },
);

import type { ObservabilityModuleOptions } from '../options/observability-options.interface';
import { resolveModuleOptions } from '../options/validate-options';
import type { ConfigProblem } from '../core/observability-config.error';
import { unknownSloRoutes } from './slo-routes';
import { sloFiles } from './slo-files';
import { goPercent } from './slo-rule-tests';
import { resolveSloOptions } from './validate-slo-options';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 5, 10];

describe('slo option validation', () => {
  const invalidSlo = {
    service: 'prs-backend',
    objectives: [
      {
        name: 'deal-read-latency',
        kind: 'latency',
        route: 'GET /api/deals/:id',
        objective: 99,
        threshold: 0.3,
      },
      { name: 'api-availability', kind: 'availability', objective: 100 },
      { name: 'Bad Name', kind: 'speed', objective: 99.9, route: 'deals' },
    ],
  };
  const sloMessages = [
    'slo.objectives[0].threshold: 0.3 s is not a bucket bound of prs_http_request_duration_seconds, ' +
      'so the share of requests under it cannot be measured; the nearest bounds are 0.25 or 0.5 (or add it to http.durationBuckets)',
    'slo.objectives[1].objective: must be a percentage above 0 and below 100, e.g. 99.9 (got 100): ' +
      'a 100 % objective leaves no error budget to alert on',
    'slo.objectives[2].name: must be lower-case words joined by "-" (got "Bad Name")',
    'slo.objectives[2].kind: must be "availability" or "latency" (got "speed")',
    'slo.objectives[2].route: must be "METHOD /route/template" as the method and endpoint labels carry it, ' +
      'e.g. "GET /api/deals/:id" (got "deals")',
  ];

  it('keeps objective problems for the bootstrap route check (one error with unknown routes)', () => {
    const resolved = resolveModuleOptions({
      slo: invalidSlo,
    } as unknown as ObservabilityModuleOptions);
    expect(resolved.slo.problems.map((p) => `${p.path}: ${p.message}`)).toEqual(
      sloMessages,
    );
  });

  it('reports objective problems with the other option problems when there are some', () => {
    expect(() =>
      resolveModuleOptions({
        metrics: { prefix: 'bad prefix' },
        slo: invalidSlo,
      } as unknown as ObservabilityModuleOptions),
    ).toThrow(
      new RegExp(
        `^ObservabilityModule options validation error \\(6 problems\\):\n  - metrics\\.prefix: .*\n${sloMessages
          .map((m) => `  - ${m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)
          .join('\n')}$`,
      ),
    );
  });

  it('checks thresholds against the configured buckets, not the defaults', () => {
    const problems: ConfigProblem[] = [];
    const slo = resolveSloOptions(
      {
        service: 'api',
        window: '28d',
        objectives: [
          { name: 'fast', kind: 'latency', objective: 99, threshold: 0.3 },
        ],
      },
      [0.1, 0.3, 1],
      problems,
    );
    expect(problems).toEqual([]);
    expect(slo?.objectives[0]).toMatchObject({
      threshold: 0.3,
      windowSeconds: 28 * 86400,
      route: undefined,
    });
  });

  it('reports missing service, short windows, duplicate names and misplaced fields', () => {
    const problems: ConfigProblem[] = [];
    resolveSloOptions(
      {
        window: '1d',
        objectives: [
          { name: 'a', kind: 'availability', objective: 99, threshold: 1 },
          {
            name: 'a',
            kind: 'latency',
            objective: 99,
            threshold: 1,
            errorStatuses: ['5xx'],
          },
        ],
      },
      BUCKETS,
      problems,
    );
    expect(problems.map((p) => p.path)).toEqual([
      'slo.service',
      'slo.window',
      'slo.objectives[0].threshold',
      'slo.objectives[1].errorStatuses',
      'slo.objectives[1].name',
    ]);
  });

  it('names unknown routes, and the methods the app serves on the same path', () => {
    const problems: ConfigProblem[] = [];
    const slo = resolveSloOptions(
      {
        service: 'api',
        objectives: [
          {
            name: 'a',
            kind: 'availability',
            objective: 99,
            route: 'GET /api/items/:id',
          },
          {
            name: 'b',
            kind: 'availability',
            objective: 99,
            route: 'POST /api/items/:id',
          },
          {
            name: 'c',
            kind: 'availability',
            objective: 99,
            route: 'GET /api/nope',
          },
          {
            name: 'd',
            kind: 'availability',
            objective: 99,
            route: 'PUT /api/any',
          },
        ],
      },
      BUCKETS,
      problems,
    );
    expect(problems).toEqual([]);
    expect(
      unknownSloRoutes(slo!, [
        { method: 'GET', endpoint: '/api/items/:id' },
        { method: 'DELETE', endpoint: '/api/items/:id' },
        { method: 'ALL', endpoint: '/api/any' },
      ]),
    ).toEqual([
      {
        path: 'slo.objectives[1].route',
        message:
          'the app has no route POST /api/items/:id; the app serves /api/items/:id for DELETE, GET',
      },
      {
        path: 'slo.objectives[2].route',
        message:
          'the app has no route GET /api/nope; check the global prefix and the parameter names (the route as the endpoint label shows it)',
      },
    ]);
  });
});

describe('slo generation', () => {
  const slo = resolveSloOptions(
    {
      service: 'api',
      objectives: [
        {
          name: 'avail',
          kind: 'availability',
          objective: 99.9,
          errorStatuses: ['5xx', '429'],
        },
      ],
    },
    BUCKETS,
    [],
  )!;
  const layout = { rulesDir: 'r', dashboardsDir: 'd' };

  it('is deterministic and names its files after the service and objective', () => {
    const once = sloFiles(slo, layout);
    expect([...once.keys()]).toEqual([
      'r/api-avail.rules.yml',
      'r/tests/api-avail.page.test.yml',
      'r/tests/api-avail.ticket.test.yml',
      'd/slo-api.json',
    ]);
    expect(sloFiles(slo, layout)).toEqual(once);
    const rules = once.get('r/api-avail.rules.yml') ?? '';
    expect(rules).toContain('status_code=~"5..|429"');
    expect(rules).toContain('[3d]');
  });

  it('divides every window by --scale, and writes no test cases then', () => {
    const scaled = sloFiles(slo, layout, { scale: 60 });
    expect([...scaled.keys()]).toEqual([
      'r/api-avail.rules.yml',
      'd/slo-api.json',
    ]);
    const rules = scaled.get('r/api-avail.rules.yml') ?? '';
    expect(rules).toContain('record: slo:sli_error:ratio_rate1h');
    expect(rules).toContain('[1m]');
    expect(rules).toContain('[5s]');
    expect(rules).toContain('[12h]');
    expect(rules).not.toContain('[1h]');
  });

  it('renders percentages as humanizePercentage does (Go %.4g)', () => {
    expect(goPercent(0.5)).toBe('50%');
    expect(goPercent(-1.52)).toBe('-152%');
    expect(goPercent(0.123456)).toBe('12.35%');
    expect(goPercent(-133.99999)).toBe('-1.34e+04%');
    expect(goPercent(0)).toBe('0%');
    expect(goPercent(0.00001)).toBe('0.001%');
  });
});

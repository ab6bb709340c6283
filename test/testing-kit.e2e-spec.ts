import './support/instrument-for-tests';
import {
  Controller,
  Get,
  type INestApplication,
  Module,
  Param,
  Post,
} from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Pool } from 'pg';
import {
  ObservabilityModule,
  TrackBusinessEvent,
} from '@prs/nestjs-observability';
import {
  ObservabilityTestingModule,
  TelemetryExpectationError,
  TestTelemetry,
} from '@prs/nestjs-observability/testing';

// One table per Jest process: CI runs two runtimes' suites at once on the same database.
const TABLE = `testing_kit_deals_${process.pid}`;
const pool = new Pool({
  host: '127.0.0.1',
  user: 'postgres',
  database: 'test',
  max: 2,
});

@Controller('deals')
class DealsController {
  @Post()
  @TrackBusinessEvent('deal_creation')
  async create(): Promise<{ id: number }> {
    const { rows } = await pool.query<{ id: number }>(
      `INSERT INTO ${TABLE} (title) VALUES ($1) RETURNING id`,
      ['kit'],
    );
    return { id: (rows[0] as { id: number }).id };
  }

  @Get(':id')
  async find(@Param('id') id: string): Promise<{ id: string }> {
    await pool.query(`SELECT id FROM ${TABLE} WHERE id = $1`, [id]);
    return { id };
  }
}

describe.each(['express', 'fastify'] as const)(
  'the testing kit in-process on %s',
  (adapter) => {
    let app: INestApplication;
    let telemetry: TestTelemetry;
    let base: string;

    beforeAll(async () => {
      await pool.query(
        `CREATE TABLE IF NOT EXISTS ${TABLE} (id serial PRIMARY KEY, title text NOT NULL)`,
      );
      const moduleRef = await Test.createTestingModule({
        imports: [ObservabilityTestingModule.forRoot()],
        controllers: [DealsController],
      }).compile();
      app = moduleRef.createNestApplication(
        adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
        { logger: false },
      );
      await app.listen(0, '127.0.0.1');
      base = await app.getUrl();
      telemetry = app.get(TestTelemetry);
    });
    beforeEach(() => telemetry.reset());
    afterAll(() => app.close());

    it('records the business event, the request metric, the span tree with the pg span and the request log line', async () => {
      const res = await fetch(`${base}/deals`, { method: 'POST' });
      expect(res.status).toBe(201);
      const traceId = res.headers.get('x-trace-id');

      await telemetry.expectBusinessEvent('deal_creation');
      expect(await telemetry.businessEvents()).toEqual([
        { eventType: 'deal_creation', status: 'success', count: 1 },
      ]);
      expect(
        await telemetry.metric(telemetry.names.httpRequests, {
          method: 'POST',
          endpoint: '/deals',
          status_code: '201',
        }),
      ).toBe(1);
      expect(
        await telemetry.metric(telemetry.names.databaseQueries, {
          operation: 'insert',
          table: TABLE,
        }),
      ).toBe(1);
      expect(await telemetry.lastRequestTrace()).toMatchObject({
        name: 'POST /deals',
        kind: 'server',
        attributes: { 'http.route': '/deals' },
        children: [
          {
            name: 'DealsController.create',
            children: [
              { name: 'pg-pool.connect', kind: 'client' },
              {
                name: 'pg.query:INSERT test',
                kind: 'client',
                attributes: {
                  'db.system.name': 'postgresql',
                  'db.query.text': `INSERT INTO ${TABLE} (title) VALUES ($1) RETURNING id`,
                },
              },
            ],
          },
        ],
      });
      const line = await telemetry.log({
        logger: 'http',
        request: { method: 'POST', route: '/deals', status: 201 },
      });
      expect(line.trace_id).toBe(traceId);
    });

    it('counts from zero after reset()', async () => {
      await fetch(`${base}/deals/1`);
      expect(await telemetry.businessEvents()).toEqual([]);
      expect(
        await telemetry.metric(telemetry.names.httpRequests, {
          method: 'POST',
          endpoint: '/deals',
        }),
      ).toBe(0);
    });

    it('fails a wrong expectation with what was recorded instead', async () => {
      await fetch(`${base}/deals`, { method: 'POST' });
      const failure = telemetry.expectBusinessEvent('deal_update');
      await expect(failure).rejects.toThrow(TelemetryExpectationError);
      await expect(failure).rejects.toThrow(
        'Expected business event deal_update (success) 1 time(s), but it was recorded 0 time(s). Recorded business events:\n  deal_creation success: 1',
      );
      await expect(telemetry.span({ name: 'GET /nowhere' })).rejects.toThrow(
        /No span matches \{"name":"GET \/nowhere"\}\. Recorded spans:\n.*POST \/deals \[server, unset\]/s,
      );
    });
  },
);

describe('ObservabilityTestingModule.attach() beside the app module that imports ObservabilityModule', () => {
  @Module({
    imports: [ObservabilityModule.forRoot({ metrics: { prefix: 'shop' } })],
    controllers: [DealsController],
  })
  class AppModule {}

  let app: INestApplication;
  let telemetry: TestTelemetry;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ObservabilityTestingModule.attach(), AppModule],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    telemetry = app.get(TestTelemetry);
    await telemetry.reset();
  });
  afterAll(() => app.close());

  it("reads what the app's own module records, under its prefix", async () => {
    await fetch(`${await app.getUrl()}/deals`, { method: 'POST' });
    expect(telemetry.names.businessEvents).toBe('shop_business_events_total');
    await telemetry.expectBusinessEvent('deal_creation');
    await telemetry.expectMetric(
      'shop_http_requests_total',
      { method: 'POST', endpoint: '/deals', status_code: '201' },
      1,
    );
    expect(await telemetry.lastRequestTrace()).toMatchObject({
      name: 'POST /deals',
      children: [{ name: 'DealsController.create' }],
    });
  });
});

afterAll(async () => {
  await pool.query(`DROP TABLE IF EXISTS ${TABLE}`);
  await pool.end();
});

import {
  describeSpan,
  lastRequestTree,
  type RecordedSpan,
  spanMatches,
} from './recorded-spans';

const span = (
  name: string,
  spanId: string,
  parentSpanId: string | undefined,
  traceId = 't1',
  kind: RecordedSpan['kind'] = 'internal',
): RecordedSpan => ({
  name,
  kind,
  status: 'unset',
  attributes: { 'code.function.name': name },
  events: [],
  traceId,
  spanId,
  ...(parentSpanId === undefined ? {} : { parentSpanId }),
});

describe('lastRequestTree()', () => {
  it("builds the tree of the last root server span's trace, children in the order they ended", () => {
    const spans = [
      span('pg.query', 'q1', 'h1'),
      span('Old.handler', 'h1', 's1'),
      span('GET /old', 's1', undefined, 't1', 'server'),
      span('pg-pool.connect', 'c2', 'h2', 't2', 'client'),
      span('pg.query:INSERT', 'q2', 'h2', 't2', 'client'),
      span('Deals.create', 'h2', 's2', 't2'),
      span('POST /deals', 's2', undefined, 't2', 'server'),
      span('background job', 'b1', undefined, 't3'),
    ];
    expect(lastRequestTree(spans)).toEqual({
      name: 'POST /deals',
      kind: 'server',
      status: 'unset',
      attributes: { 'code.function.name': 'POST /deals' },
      children: [
        {
          name: 'Deals.create',
          kind: 'internal',
          status: 'unset',
          attributes: { 'code.function.name': 'Deals.create' },
          children: [
            expect.objectContaining({ name: 'pg-pool.connect', children: [] }),
            expect.objectContaining({ name: 'pg.query:INSERT', children: [] }),
          ],
        },
      ],
    });
  });

  it('is undefined when no request was traced', () => {
    expect(lastRequestTree([span('job', 'b1', undefined)])).toBeUndefined();
  });
});

describe('spanMatches() and describeSpan()', () => {
  const insert = {
    ...span('pg.query:INSERT test', 'q', 'h', 't', 'client'),
    attributes: { 'db.system.name': 'postgresql', 'server.port': 5432 },
  };

  it('matches name (string or RegExp), kind, status and attributes partially', () => {
    expect(spanMatches(insert, {})).toBe(true);
    expect(spanMatches(insert, { name: /^pg\.query/ })).toBe(true);
    expect(spanMatches(insert, { name: 'pg.query' })).toBe(false);
    expect(spanMatches(insert, { kind: 'client', status: 'unset' })).toBe(true);
    expect(spanMatches(insert, { kind: 'server' })).toBe(false);
    expect(spanMatches(insert, { attributes: { 'server.port': 5432 } })).toBe(
      true,
    );
    expect(spanMatches(insert, { attributes: { 'server.port': '5432' } })).toBe(
      false,
    );
  });

  it('describes a span on one line for a failure message', () => {
    expect(describeSpan(insert)).toBe(
      'pg.query:INSERT test [client, unset] {"db.system.name":"postgresql","server.port":5432}',
    );
  });
});

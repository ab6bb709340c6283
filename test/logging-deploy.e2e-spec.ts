import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { REPO_ROOT } from './support/fixture-process';
import {
  type OtlpReceiver,
  startOtlpReceiver,
} from './support/trace-receivers';
import {
  type LogLine,
  type LoggingFixture,
  startLoggingFixture,
} from './support/logging-fixture';

const DIR = join(REPO_ROOT, 'deploy', 'logging');
const PIPELINE = readFileSync(
  join(DIR, 'logstash', 'pipeline', 'prs.conf'),
  'utf8',
);
// Fields Logstash or Elasticsearch add themselves.
const ADDED = new Set([
  '@timestamp',
  'tags',
  'service',
  'environment',
  'application',
  'security_category',
  'request.geo',
]);

type Mapping = { type?: string; properties?: Record<string, Mapping> };

function valueAt(line: Record<string, unknown>, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (v, key) => (v as Record<string, unknown> | undefined)?.[key],
      line,
    );
}

function mappedPaths(
  properties: Record<string, Mapping>,
  prefix = '',
): [string, string][] {
  return Object.entries(properties).flatMap(([key, m]) =>
    m.properties
      ? mappedPaths(m.properties, `${prefix}${key}.`)
      : [[`${prefix}${key}`, m.type ?? 'object'] as [string, string]],
  );
}

const FITS: Record<string, (v: unknown) => boolean> = {
  keyword: (v) => typeof v === 'string',
  text: (v) => typeof v === 'string',
  integer: (v) => Number.isInteger(v),
  float: (v) => typeof v === 'number',
  date: (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)),
  ip: (v) => typeof v === 'string' && isIP(v) !== 0,
  boolean: (v) => typeof v === 'boolean',
  flattened: (v) => typeof v === 'object' && v !== null,
};

describe('deploy/logging against real log lines', () => {
  let app: LoggingFixture;
  let lines: LogLine[];
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    app = await startLoggingFixture(
      'express',
      {},
      {
        traces: true,
        env: {
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${receiver.port}/v1/traces`,
        },
      },
    );
    await fetch(app.url('/api/items/1?page=2'));
    await fetch(app.url('/api/auth/login'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bob', password: 'x', attempt: 3 }),
    });
    await fetch(app.url('/api/debug/crash?m=boom'));
    await fetch(app.url('/api/auth/denied'));
    await app.waitFor((l) => l.request?.route === '/api/auth/denied');
    lines = app.lines();
  });
  afterAll(async () => {
    await app.stop();
    await receiver.close();
  });

  it('every field the Logstash pipeline reads is written by the SDK', () => {
    const refs = new Set<string>();
    for (const m of PIPELINE.matchAll(/(?:^|[\s(!])((?:\[[a-z_@]+\])+)/gm))
      refs.add(m[1]!.slice(1, -1).split('][').join('.'));
    for (const m of PIPELINE.matchAll(/%\{([a-z_]+)\}/g)) refs.add(m[1]!);
    for (const m of PIPELINE.matchAll(/(?:match|source) => \["?([a-z_]+)"?/g))
      refs.add(m[1]!);
    const read = [...refs].filter(
      (r) => !ADDED.has(r) && r !== 'message' && !r.startsWith('+'),
    );
    expect(read).toEqual(
      expect.arrayContaining([
        'correlation_id',
        'level',
        'channel',
        'event_type',
        'request.ip',
        'request.status',
        'timestamp',
      ]),
    );
    for (const field of read)
      expect({
        field,
        written: lines.some((l) => valueAt(l, field) !== undefined),
      }).toEqual({ field, written: true });
    for (const level of PIPELINE.matchAll(/\[level\] == "([A-Z]+)"/g))
      expect([
        'TRACE',
        'DEBUG',
        'INFO',
        'WARNING',
        'ERROR',
        'CRITICAL',
      ]).toContain(level[1]);
    expect(lines.some((l) => l.level === 'ERROR')).toBe(true);
    expect(
      lines.some(
        (l) => l.channel === 'security' && l.event_type === 'login_failed',
      ),
    ).toBe(true);
  });

  it('the index template maps each field to a type its values fit', () => {
    const template = JSON.parse(
      readFileSync(
        join(DIR, 'elasticsearch', 'prs-logs.index-template.json'),
        'utf8',
      ),
    ) as {
      index_patterns: string[];
      template: { mappings: { properties: Record<string, Mapping> } };
    };
    expect(template.index_patterns).toEqual([
      'prs-application-*',
      'prs-security-*',
    ]);
    expect(PIPELINE).toContain('prs-application-%{+YYYY.MM.dd}');
    expect(PIPELINE).toContain('prs-security-%{+YYYY.MM.dd}');
    for (const [path, type] of mappedPaths(
      template.template.mappings.properties,
    )) {
      if (ADDED.has(path)) continue;
      const values = lines
        .map((l) => valueAt(l, path))
        .filter((v) => v !== undefined && v !== null);
      const fits = FITS[type] ?? (() => false);
      expect({ path, type, bad: values.filter((v) => !fits(v)) }).toEqual({
        path,
        type,
        bad: [],
      });
    }
    expect(
      lines.some((l) => valueAt(l, 'request.duration_ms') !== undefined),
    ).toBe(true);
  });

  it('Filebeat tails the main file and ships to Logstash unparsed', () => {
    const config = load(readFileSync(join(DIR, 'filebeat.yml'), 'utf8')) as {
      'filebeat.inputs': {
        id: string;
        paths: string[];
        enabled?: boolean;
        tags: string[];
        parsers?: unknown[];
      }[];
      'output.logstash': { hosts: string[] };
    };
    const [main, container] = config['filebeat.inputs'];
    expect(main).toMatchObject({
      paths: ['/var/log/prs/app.log'],
      tags: ['prs-backend', 'prs-json'],
    });
    expect(main?.parsers).toBeUndefined();
    expect(container?.enabled).toBe(false);
    expect(config['output.logstash'].hosts).toEqual([
      '${LOGSTASH_HOST:logstash:5044}',
    ]);
    expect(PIPELINE).toMatch(/beats \{\s+port => 5044/);
  });
});

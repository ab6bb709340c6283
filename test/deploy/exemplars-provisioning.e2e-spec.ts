import * as fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import * as path from 'node:path';
import { dump, loadAll } from 'js-yaml';
import { type Daemon, startDaemon } from '../support/prometheus-server';
import {
  GRAFANA_DIR,
  dashboardFiles,
  panelsOf,
  parseDashboard,
} from './dashboards';
import {
  DEPLOY_DIR,
  PROMETHEUS_DIR,
  REPO_ROOT,
  expectSuccess,
  readYaml,
  rel,
  run,
} from './deploy-tools';

/**
 * Exemplars from the latency histograms to Jaeger, the operator side: every Prometheus
 * that deploy/ starts stores exemplars and scrapes OpenMetrics (the only format that
 * carries them), the latency panels ask Grafana for them, Grafana links their
 * `trace_id` to a provisioned Jaeger datasource, and the README tells an operator how
 * to follow one. A real Prometheus started with the compose file's flags and the real
 * `prs-backend` scrape job proves the flags and the job keep an exemplar end to end.
 */

/** The exemplar label that carries the trace id (the SDK writes `trace_id`, `span_id`). */
const TRACE_ID_LABEL = 'trace_id';
/** The histograms whose buckets carry exemplars. */
const LATENCY_BUCKETS =
  /\bprs_(http_request|database_query)_duration_seconds_bucket\b/;
/** Panel types that draw exemplars. */
const EXEMPLAR_PANEL_TYPES = ['timeseries', 'heatmap'];
const DATASOURCES_DIR = path.join(GRAFANA_DIR, 'provisioning', 'datasources');
const README = path.join(REPO_ROOT, 'README.md');
const SECTION_TITLE = 'Find a slow request in Jaeger';

/** A Prometheus server started by a file of deploy/ (compose service or k8s container). */
interface PrometheusLaunch {
  /** `deploy/docker-compose.monitoring.yml services.prometheus`, for messages. */
  where: string;
  file: string;
  /** Everything after the binary: compose `command`, k8s `command` + `args`. */
  args: string[];
  /** Compose bind mounts (`./src:/target[:ro]`), to find the config it loads. */
  volumes: string[];
}

/** The official Prometheus server image (not prometheuscommunity/*, not *-exporter). */
const PROMETHEUS_IMAGE =
  /^(?:(?:docker\.io\/)?prom|quay\.io\/prometheus)\/prometheus(?:[:@]|$)/;

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? filesUnder(path.join(dir, entry.name))
        : [path.join(dir, entry.name)],
    )
    .sort();
}

const deployYamlFiles = filesUnder(DEPLOY_DIR).filter((file) =>
  /\.ya?ml$/.test(file),
);

function argsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  return [];
}

/** k8s-style containers anywhere in a document (Pods, Deployments, StatefulSets, CRDs). */
function containersIn(node: unknown): Record<string, unknown>[] {
  if (Array.isArray(node)) return node.flatMap(containersIn);
  if (typeof node !== 'object' || node === null) return [];
  const object = node as Record<string, unknown>;
  const own = ['containers', 'initContainers'].flatMap((key) =>
    Array.isArray(object[key])
      ? (object[key] as unknown[]).filter(
          (c): c is Record<string, unknown> =>
            typeof c === 'object' && c !== null && 'image' in c,
        )
      : [],
  );
  return [...own, ...Object.values(object).flatMap(containersIn)];
}

function prometheusLaunches(): PrometheusLaunch[] {
  return deployYamlFiles.flatMap((file) => {
    const docs = loadAll(fs.readFileSync(file, 'utf8'));
    return docs.flatMap((doc, index) => {
      if (typeof doc !== 'object' || doc === null) return [];
      const launches: PrometheusLaunch[] = [];
      const services = (doc as { services?: unknown }).services;
      if (typeof services === 'object' && services !== null) {
        for (const [name, service] of Object.entries(
          services as Record<
            string,
            { image?: string; command?: unknown; volumes?: string[] }
          >,
        )) {
          if (!PROMETHEUS_IMAGE.test(service?.image ?? '')) continue;
          launches.push({
            where: `${rel(file)} services.${name}`,
            file,
            args: argsOf(service.command),
            volumes: (service.volumes ?? []).map(String),
          });
        }
      }
      for (const container of containersIn(doc)) {
        if (!PROMETHEUS_IMAGE.test(String(container.image))) continue;
        launches.push({
          where: `${rel(file)} document ${index} container ${String(container.name)}`,
          file,
          args: [...argsOf(container.command), ...argsOf(container.args)],
          volumes: [],
        });
      }
      return launches;
    });
  });
}

/** The feature names a command line enables (`--enable-feature=a,b` or `--enable-feature a`). */
function enabledFeatures(args: readonly string[]): string[] {
  return args.flatMap((arg, i) => {
    const value = arg.startsWith('--enable-feature=')
      ? arg.slice('--enable-feature='.length)
      : arg === '--enable-feature'
        ? (args[i + 1] ?? '')
        : undefined;
    return value === undefined ? [] : value.split(',').map((f) => f.trim());
  });
}

/** The host file behind a compose launch's `--config.file`, through its bind mounts. */
function configFileOf(launch: PrometheusLaunch): string {
  const flag = launch.args.find((arg) => arg.startsWith('--config.file='));
  // The image's default, when the command does not name one.
  const inContainer = flag
    ? flag.slice('--config.file='.length)
    : '/etc/prometheus/prometheus.yml';
  for (const volume of launch.volumes) {
    const [source = '', target = ''] = volume.split(':');
    if (!source.startsWith('.')) continue;
    const base = path.resolve(path.dirname(launch.file), source);
    if (target === inContainer) return base;
    if (inContainer.startsWith(`${target}/`))
      return path.join(base, inContainer.slice(target.length + 1));
  }
  throw new Error(
    `${launch.where}: ${inContainer} is not bind-mounted from deploy/`,
  );
}

interface ScrapeJob {
  job_name: string;
  metrics_path?: string;
  scrape_protocols?: string[];
  static_configs?: { targets: string[] }[];
  [key: string]: unknown;
}

interface PrometheusConfig {
  global?: { scrape_protocols?: string[] };
  scrape_configs: ScrapeJob[];
}

/**
 * Whether a `scrape_protocols` list still gets OpenMetrics 1.0 from a target that
 * offers it: unset (Prometheus' default asks for it first), or listing it ahead of the
 * classic text format.
 */
function asksForOpenMetrics(protocols: string[] | undefined): boolean {
  if (protocols === undefined) return true;
  const openMetrics = protocols.indexOf('OpenMetricsText1.0.0');
  const classic = protocols.indexOf('PrometheusText0.0.4');
  return openMetrics >= 0 && (classic < 0 || openMetrics < classic);
}

interface Datasource {
  name: string;
  uid: string;
  type: string;
  url?: string;
  jsonData?: {
    exemplarTraceIdDestinations?: {
      name: string;
      datasourceUid?: string;
      url?: string;
    }[];
  };
}

function provisionedDatasources(): (Datasource & { file: string })[] {
  return fs
    .readdirSync(DATASOURCES_DIR)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .flatMap((name) =>
      (
        readYaml<{ datasources?: Datasource[] }>(
          path.join(DATASOURCES_DIR, name),
        ).datasources ?? []
      ).map((ds) => ({ ...ds, file: name })),
    );
}

interface ComposeService {
  ports?: string[];
}
const COMPOSE_FILE = path.join(DEPLOY_DIR, 'docker-compose.monitoring.yml');

describe('exemplars: Prometheus launches in deploy/', () => {
  const launches = prometheusLaunches();

  it('finds every Prometheus that deploy/ starts', () => {
    expect(launches.map((l) => l.where)).toContain(
      'deploy/docker-compose.monitoring.yml services.prometheus',
    );
    // A file naming the Prometheus image must have been understood as a launch
    // (a new compose file, a k8s manifest, a Dockerfile).
    const naming = filesUnder(DEPLOY_DIR)
      .filter((file) => !/\.(md|json)$/.test(file))
      .filter((file) =>
        /\b(?:prom|quay\.io\/prometheus)\/prometheus\b(?!-)/.test(
          fs.readFileSync(file, 'utf8'),
        ),
      )
      .map(rel);
    expect(naming.length).toBeGreaterThan(0);
    expect(naming).toEqual([...new Set(launches.map((l) => rel(l.file)))]);
  });

  it('each runs with --enable-feature=exemplar-storage', () => {
    for (const launch of launches) {
      expect([launch.where, enabledFeatures(launch.args)]).toEqual([
        launch.where,
        expect.arrayContaining(['exemplar-storage']),
      ]);
    }
  });

  it('each loads a config that passes promtool and does not pin the classic text format', () => {
    const composeLaunches = launches.filter((l) => l.volumes.length > 0);
    expect(composeLaunches.length).toBeGreaterThan(0);
    for (const launch of composeLaunches) {
      const file = configFileOf(launch);
      expectSuccess(run('promtool', ['check', 'config', rel(file)]));
      const config = readYaml<PrometheusConfig>(file);
      const global = config.global?.scrape_protocols;
      expect([rel(file), 'global', asksForOpenMetrics(global)]).toEqual([
        rel(file),
        'global',
        true,
      ]);
      for (const job of config.scrape_configs) {
        expect([
          rel(file),
          job.job_name,
          asksForOpenMetrics(job.scrape_protocols ?? global),
        ]).toEqual([rel(file), job.job_name, true]);
      }
      expect(config.scrape_configs.map((job) => job.job_name)).toContain(
        'prs-backend',
      );
    }
  });
});

describe('exemplars: Grafana', () => {
  const latencyTargets = dashboardFiles.flatMap((file) =>
    panelsOf(parseDashboard(file))
      .filter((panel) => EXEMPLAR_PANEL_TYPES.includes(panel.type))
      .flatMap((panel) =>
        (panel.targets ?? [])
          .filter((target) => LATENCY_BUCKETS.test(target.expr ?? ''))
          .map((target) => ({
            where: `${path.basename(file)} panel ${panel.id} "${panel.title}" ${target.refId}`,
            expr: target.expr ?? '',
            exemplar: (target as { exemplar?: unknown }).exemplar,
          })),
      ),
  );

  it('the latency panels (HTTP request and database query duration) show exemplars', () => {
    // Both histograms have a latency panel.
    expect(
      latencyTargets.some((t) =>
        t.expr.includes('prs_http_request_duration_seconds_bucket'),
      ),
    ).toBe(true);
    expect(
      latencyTargets.some((t) =>
        t.expr.includes('prs_database_query_duration_seconds_bucket'),
      ),
    ).toBe(true);
    expect(latencyTargets.filter((t) => t.exemplar !== true)).toEqual([]);
  });

  it('the Prometheus datasource links exemplar trace ids to a provisioned Jaeger datasource', () => {
    const datasources = provisionedDatasources();
    const uids = datasources.map((ds) => ds.uid);
    expect(new Set(uids).size).toBe(uids.length);

    const prometheus = datasources.filter((ds) => ds.type === 'prometheus');
    expect(prometheus.map((ds) => ds.uid)).toEqual(['prometheus']);
    for (const ds of prometheus) {
      const destinations = ds.jsonData?.exemplarTraceIdDestinations ?? [];
      expect(destinations).toEqual([
        expect.objectContaining({ name: TRACE_ID_LABEL }),
      ]);
      for (const destination of destinations) {
        const target = datasources.find(
          (other) => other.uid === destination.datasourceUid,
        );
        expect([destination.datasourceUid, target?.type]).toEqual([
          destination.datasourceUid,
          'jaeger',
        ]);
      }
    }
  });

  it('the Jaeger datasource is the stack’s Jaeger query service, with the fixed uid `jaeger`', () => {
    const jaeger = provisionedDatasources().filter(
      (ds) => ds.type === 'jaeger',
    );
    expect(jaeger).toEqual([
      expect.objectContaining({ uid: 'jaeger', name: 'Jaeger' }),
    ]);
    const url = new URL(jaeger[0]?.url ?? '');
    const services = readYaml<{ services: Record<string, ComposeService> }>(
      COMPOSE_FILE,
    ).services;
    // Its host is a compose service and its port one the service listens on
    // (the query service/UI, 16686 in jaegertracing/all-in-one).
    expect(Object.keys(services)).toContain(url.hostname);
    const containerPorts = (services[url.hostname]?.ports ?? []).map((port) =>
      String(port).split(':').pop()?.replace(/\/.*$/, ''),
    );
    expect(url.port).toBe('16686');
    expect(containerPorts).toContain(url.port);
  });
});

describe('exemplars: README', () => {
  const readme = fs.readFileSync(README, 'utf8');
  const heading = new RegExp(`^(#{2,4}) ${SECTION_TITLE}$`, 'm');

  /**
   * The section's text, up to the next heading of its level or above (lines of
   * fenced code blocks are not headings: `# comment` in a bash block).
   */
  function section(): string {
    const match = heading.exec(readme);
    if (!match) throw new Error(`README.md has no "${SECTION_TITLE}" section`);
    const level = match[1]?.length ?? 2;
    const lines = readme.slice(match.index + match[0].length).split('\n');
    let fenced = false;
    const end = lines.findIndex((line) => {
      if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
      return !fenced && new RegExp(`^#{1,${level}} `).test(line);
    });
    return lines.slice(0, end < 0 ? undefined : end).join('\n');
  }

  it(`has one "${SECTION_TITLE}" section`, () => {
    expect(readme.match(new RegExp(heading.source, 'gm'))?.length).toBe(1);
  });

  it('walks from the latency panel to the trace, in Grafana and on the command line', () => {
    const text = section();
    for (const needle of [
      // the dashboard path
      'exemplar',
      'diamond',
      'Query with Jaeger',
      // the command-line path
      "-H 'Accept: application/openmetrics-text'",
      '/metrics | grep trace_id',
      '/api/v1/query_exemplars',
      'query=prs_http_request_duration_seconds_bucket',
      'start=',
      'end=',
      '/trace/',
      // the conditions
      'sampled',
      'OTEL_TRACES_EXPORTER=none',
      '--enable-feature=exemplar-storage',
    ]) {
      expect([needle, text.includes(needle)]).toEqual([needle, true]);
    }
  });

  it('is linked from the table of contents, when the README has one', () => {
    const toc = readme.match(/^\s*[-*] \[[^\]]+\]\(#[^)]+\)\s*$/gm) ?? [];
    if (toc.length === 0) return; // no table of contents
    expect(readme).toContain('](#find-a-slow-request-in-jaeger)');
  });
});

/**
 * The compose file's Prometheus flags and the real `prs-backend` job, on the Debian
 * Prometheus binary: a stub target serves an OpenMetrics histogram whose bucket carries
 * an exemplar, and the exemplar must come back from /api/v1/query_exemplars. Without
 * exemplar-storage (the control) it must not, so the check sees the flag's effect.
 */
describe('exemplars: a real Prometheus with the compose flags', () => {
  const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
  const SPAN_ID = '00f067aa0ba902b7';
  const composeLaunch = prometheusLaunches().find(
    (l) =>
      l.where === 'deploy/docker-compose.monitoring.yml services.prometheus',
  );
  /** Feature flags of the compose launch, as given there. */
  const featureArgs = (composeLaunch?.args ?? []).filter((arg) =>
    arg.startsWith('--enable-feature'),
  );
  const backendJob = readYaml<PrometheusConfig>(
    path.join(PROMETHEUS_DIR, 'prometheus.yml'),
  ).scrape_configs.find((job) => job.job_name === 'prs-backend');

  let stub: Server;
  let stubAddress = '';
  const accepts: string[] = [];
  const servers: Daemon[] = [];

  /** One exemplar, the same at every scrape (Prometheus stores a repeat once). */
  const exemplarTime = (Date.now() / 1000).toFixed(3);

  function exposition(): string {
    const labels = 'method="GET",endpoint="/api/deals/:id"';
    return [
      '# TYPE prs_http_request_duration_seconds histogram',
      '# UNIT prs_http_request_duration_seconds seconds',
      '# HELP prs_http_request_duration_seconds Duration of HTTP requests in seconds',
      `prs_http_request_duration_seconds_bucket{${labels},le="0.5"} 0`,
      `prs_http_request_duration_seconds_bucket{${labels},le="1.0"} 1 # {trace_id="${TRACE_ID}",span_id="${SPAN_ID}"} 0.734 ${exemplarTime}`,
      `prs_http_request_duration_seconds_bucket{${labels},le="+Inf"} 1`,
      `prs_http_request_duration_seconds_sum{${labels}} 0.734`,
      `prs_http_request_duration_seconds_count{${labels}} 1`,
      '# EOF',
      '',
    ].join('\n');
  }

  beforeAll(async () => {
    stub = createServer((req, res) => {
      accepts.push(String(req.headers.accept ?? ''));
      if (!/application\/openmetrics-text/.test(req.headers.accept ?? '')) {
        res.writeHead(406).end();
        return;
      }
      res
        .writeHead(200, {
          'Content-Type':
            'application/openmetrics-text; version=1.0.0; charset=utf-8',
        })
        .end(exposition());
    });
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
    stubAddress = `127.0.0.1:${(stub.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await new Promise<void>((resolve) => stub.close(() => resolve()));
  });

  function startWith(features: string[]): Promise<Daemon> {
    const config = {
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      scrape_configs: [
        {
          ...backendJob,
          scrape_interval: '1s',
          scrape_timeout: '1s',
          static_configs: [{ targets: [stubAddress] }],
        },
      ],
    };
    return startDaemon({
      command: 'prometheus',
      files: { 'prometheus.yml': dump(config) },
      args: (dir, port) => [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        ...features,
      ],
    }).then((server) => {
      servers.push(server);
      return server;
    });
  }

  async function exemplars(server: Daemon): Promise<Record<string, string>[]> {
    const end = Date.now() / 1000 + 60;
    const query = new URLSearchParams({
      query: 'prs_http_request_duration_seconds_bucket',
      start: String(end - 600),
      end: String(end),
    });
    const res = await fetch(
      `${server.url}/api/v1/query_exemplars?${query.toString()}`,
      { signal: AbortSignal.timeout(10_000) },
    );
    const body = (await res.json()) as {
      status: string;
      data: { exemplars: { labels: Record<string, string> }[] }[];
    };
    expect(body.status).toBe('success');
    return body.data.flatMap((series) => series.exemplars.map((e) => e.labels));
  }

  const SCRAPED_TWICE =
    'count_over_time(up{job="prs-backend"}[1m]) >= 2 and min_over_time(up{job="prs-backend"}[1m]) == 1';

  /** Waits (bounded) until the job has scraped the stub at least twice, successfully. */
  async function scraped(server: Daemon): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const res = await fetch(
        `${server.url}/api/v1/query?query=${encodeURIComponent(SCRAPED_TWICE)}`,
        { signal: AbortSignal.timeout(5_000) },
      );
      const body = (await res.json()) as { data: { result: unknown[] } };
      if (body.data.result.length > 0) return;
      if (Date.now() > deadline)
        throw new Error(`prs-backend never scraped:\n${server.output()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it('keeps the exemplar of a latency bucket with the compose flags, drops it without', async () => {
    expect(backendJob).toBeDefined();
    expect(enabledFeatures(featureArgs)).toContain('exemplar-storage');
    const [withFlags, withoutFlags] = await Promise.all([
      startWith(featureArgs),
      startWith([]),
    ]);
    await Promise.all([scraped(withFlags), scraped(withoutFlags)]);

    // The deploy job asks for OpenMetrics (the stub answers 406 otherwise).
    expect(accepts.length).toBeGreaterThan(0);
    for (const accept of accepts)
      expect(accept).toMatch(/^application\/openmetrics-text/);

    expect(await exemplars(withFlags)).toEqual([
      { [TRACE_ID_LABEL]: TRACE_ID, span_id: SPAN_ID },
    ]);
    expect(await exemplars(withoutFlags)).toEqual([]);
  });
});

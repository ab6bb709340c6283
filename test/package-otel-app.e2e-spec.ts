import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { scrape, valueOf } from './support/exposition';
import { REPO_ROOT } from './support/fixture-process';
import { installedVersion, packLibrary } from './support/packed-library';
import {
  type OtlpReceiver,
  startOtlpReceiver,
} from './support/trace-receivers';

/**
 * The scenario: an app that already uses OpenTelemetry JS 3.x itself installs the
 * packed library with a plain `npm install` (no --force, no --legacy-peer-deps) and ends
 * up with one copy of each OpenTelemetry singleton, then traces and counts a request.
 *
 * Without the two overrides (same package.json, `npm install --prefer-offline`, npm 11.19,
 * 2026-12-05) the install succeeds but nests
 *   @opentelemetry/instrumentation@0.300.0 under node_modules/@opentelemetry/instrumentation-express/
 *   @opentelemetry/instrumentation@0.300.0 under node_modules/@opentelemetry/instrumentation-ioredis/
 * next to the top-level 0.301.2 (scripts/check-otel-duplicates.mjs exits 1);
 * @opentelemetry/api, -core and -sdk-trace stay single. Not asserted here: it is upstream's
 * state until contrib publishes -express/-ioredis on the 0.301 line.
 */

const ROOT_PACKAGE = JSON.parse(
  readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'),
) as {
  devDependencies: Record<string, string>;
  overrides?: Record<string, Record<string, string>>;
};

/** The OpenTelemetry packages that must be installed once (as check-otel-duplicates.mjs). */
const SINGLETONS = [
  '@opentelemetry/api',
  '@opentelemetry/instrumentation',
  '@opentelemetry/core',
  '@opentelemetry/sdk-trace',
];

/**
 * The overrides an app must add (README, docs/upgrading-opentelemetry.md), copied from the
 * root package.json: instrumentation-express and -ioredis 0.72 depend on
 * @opentelemetry/instrumentation ^0.300.0, everything else on 0.301. Once contrib catches
 * up and root drops them, this app installs without them and must still hold one copy.
 */
const APP_OVERRIDES = Object.fromEntries(
  [
    '@opentelemetry/instrumentation-express',
    '@opentelemetry/instrumentation-ioredis',
  ].flatMap((name) => {
    const entry = ROOT_PACKAGE.overrides?.[name];
    return entry === undefined ? [] : [[name, entry]];
  }),
);

/** Every installed copy of each of `names`, as `<version> <path>`, walking nested node_modules. */
function installedCopies(root: string, names: string[]): Map<string, string[]> {
  const found = new Map(names.map((name) => [name, [] as string[]]));
  const walk = (nodeModules: string): void => {
    if (!existsSync(nodeModules)) return;
    for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || !entry.isDirectory()) continue;
      const dirs = entry.name.startsWith('@')
        ? readdirSync(join(nodeModules, entry.name), { withFileTypes: true })
            .filter((e) => e.isDirectory())
            .map((e) => join(nodeModules, entry.name, e.name))
        : [join(nodeModules, entry.name)];
      for (const dir of dirs) {
        const manifest = join(dir, 'package.json');
        if (existsSync(manifest)) {
          const { name, version } = JSON.parse(
            readFileSync(manifest, 'utf8'),
          ) as { name?: string; version?: string };
          if (name !== undefined)
            found.get(name)?.push(`${version} ${relative(root, dir)}`);
        }
        walk(join(dir, 'node_modules'));
      }
    }
  };
  walk(join(root, 'node_modules'));
  return found;
}

// A plain CommonJS Nest app that also uses OpenTelemetry itself: a span of its own through
// its own @opentelemetry/api, and a look at the running SDK through its own
// @opentelemetry/sdk-trace (the 3.x trace SDK; there is no 3.x -sdk-trace-base).
const SCRATCH_MAIN = `
require('reflect-metadata');
const { Controller, Get, Module, Param } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { trace } = require('@opentelemetry/api');
const { TracerProvider } = require('@opentelemetry/sdk-trace');
const { ObservabilityModule } = require('@prs/nestjs-observability');

const tracer = trace.getTracer('scratch-app');
class OrdersController {
  find(id) {
    return tracer.startActiveSpan('scratch.load-order', (span) => {
      span.end();
      const provider = trace.getTracerProvider();
      const sdk = typeof provider.getDelegate === 'function' ? provider.getDelegate() : provider;
      return { id, appSdkRunsTraces: sdk instanceof TracerProvider };
    });
  }
}
Controller('orders')(OrdersController);
Reflect.decorate([Get(':id'), Reflect.metadata('design:paramtypes', [String])], OrdersController.prototype, 'find', Object.getOwnPropertyDescriptor(OrdersController.prototype, 'find'));
Param('id')(OrdersController.prototype, 'find', 0);

class AppModule {}
Module({ imports: [ObservabilityModule.forRoot()], controllers: [OrdersController] })(AppModule);

NestFactory.create(AppModule, { logger: false }).then(async (app) => {
  await app.listen(0, '127.0.0.1');
  process.stdout.write('SCRATCH_LISTENING ' + app.getHttpServer().address().port + '\\n');
});
`;

describe('the packed package in an app already on OpenTelemetry JS 3.x', () => {
  let dir: string;
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'prs-otel-app-'));
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the README documents the overrides this app copies from the root package.json', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8').replace(
      /\s+/g,
      '',
    );
    for (const [name, entry] of Object.entries(APP_OVERRIDES))
      expect(readme).toContain(JSON.stringify({ [name]: entry }).slice(1, -1));
  });

  it('installs with plain npm install and the overrides, keeps one copy of each OpenTelemetry singleton, traces and counts a request', async () => {
    const packed = packLibrary(dir);
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify(
        {
          name: 'scratch-otel-app',
          private: true,
          dependencies: {
            '@prs/nestjs-observability': `file:./${packed.filename}`,
            '@nestjs/common': installedVersion('@nestjs/common'),
            '@nestjs/core': installedVersion('@nestjs/core'),
            '@nestjs/platform-express': installedVersion(
              '@nestjs/platform-express',
            ),
            // The app's own OpenTelemetry, before our package arrives: today
            // @opentelemetry/api 1.10.0 and @opentelemetry/sdk-trace 3.1.1.
            '@opentelemetry/api':
              ROOT_PACKAGE.devDependencies['@opentelemetry/api'],
            '@opentelemetry/sdk-trace':
              ROOT_PACKAGE.devDependencies['@opentelemetry/sdk-trace'],
            'reflect-metadata': installedVersion('reflect-metadata'),
            rxjs: installedVersion('rxjs'),
          },
          overrides: APP_OVERRIDES,
        },
        null,
        2,
      ),
    );
    writeFileSync(join(dir, 'main.js'), SCRATCH_MAIN);
    const install = spawnSync(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--loglevel=error',
      ],
      { cwd: dir, encoding: 'utf8', timeout: 150_000 },
    );
    expect({ status: install.status, stderr: install.stderr }).toEqual({
      status: 0,
      stderr: '',
    });

    const copies = installedCopies(dir, SINGLETONS);
    expect(Object.fromEntries(copies)).toEqual(
      Object.fromEntries(
        SINGLETONS.map((name) => [
          name,
          [expect.stringMatching(/^\S+ node_modules\/[^/]+\/[^/]+$/) as string],
        ]),
      ),
    );
    // CI's guard agrees on the app's tree.
    const guard = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'scripts', 'check-otel-duplicates.mjs'), dir],
      { encoding: 'utf8' },
    );
    expect({ status: guard.status, stderr: guard.stderr }).toEqual({
      status: 0,
      stderr: '',
    });

    const child = spawn(
      process.execPath,
      ['--import', '@prs/nestjs-observability/register', 'main.js'],
      {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? '',
          OTEL_SERVICE_NAME: 'scratch-otel-app',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      let output = '';
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`scratch app did not start:\n${output}`)),
          30_000,
        );
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`scratch app exited (${code}):\n${output}`));
        });
        child.stderr.on('data', (c: Buffer) => (output += c.toString()));
        child.stdout.on('data', (c: Buffer) => {
          output += c.toString();
          const match = /SCRATCH_LISTENING (\d+)/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(Number(match[1]));
          }
        });
      });

      const res = await fetch(`http://127.0.0.1:${port}/orders/17`);
      expect(await res.json()).toEqual({ id: '17', appSdkRunsTraces: true });
      const traceId = res.headers.get('x-trace-id') ?? '';
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);

      const spans = await receiver.waitForSpans(
        (all) =>
          all.some((s) => s.traceId === traceId && s.kind === 'server') &&
          all.some((s) => s.name === 'scratch.load-order'),
        15_000,
      );
      const server = spans.find(
        (s) => s.traceId === traceId && s.kind === 'server',
      );
      expect(server).toMatchObject({
        name: 'GET /orders/:id',
        serviceName: 'scratch-otel-app',
        attributes: expect.objectContaining({
          'url.path': '/orders/17',
          'http.route': '/orders/:id',
          'http.response.status_code': 200,
        }) as unknown,
      });
      // The app's own span, through its own @opentelemetry/api, joined the request's trace.
      expect(spans.find((s) => s.name === 'scratch.load-order')?.traceId).toBe(
        traceId,
      );

      const text = await scrape(`http://127.0.0.1:${port}/metrics`);
      expect(
        valueOf(text, 'prs_http_requests_total', {
          method: 'GET',
          endpoint: '/orders/:id',
          status_code: '200',
        }),
      ).toBe(1);
    } finally {
      child.kill('SIGKILL');
    }
  }, 180_000);
});

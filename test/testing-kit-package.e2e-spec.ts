import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TEST_DATABASE_URL } from './support/demo-client';
import { psql } from './support/fixture-db';
import {
  installScratchProject,
  installedVersion,
  packLibrary,
} from './support/packed-library';
import { codeBlocks, readDoc } from './support/readme';

// README "Testing your telemetry": the blocks marked for this file are a user's project
// (controller, Jest config, setup file, test), written as they stand into a separate
// project that installs the packed package, and run with that project's own Jest.
const MARK = '<!-- run by test/testing-kit-package.e2e-spec.ts -->';
const blocks = codeBlocks(readDoc('README.md')).filter(
  (b) => b.before === MARK,
);

/** The file a block names in its first line (`// test/deals.spec.ts`). */
function fileOf(code: string): string {
  const name = /^\/\/ ([\w./-]+\.[jt]s)\b/.exec(code)?.[1];
  if (!name) throw new Error(`a marked README block names no file:\n${code}`);
  return name;
}

// Deliberately wrong: the deal is counted as deal_creation, once.
const WRONG_SPEC = `
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ObservabilityTestingModule, TestTelemetry } from '@prs/nestjs-observability/testing';
import request from 'supertest';
import { DealsController, pool } from '../src/deals.controller';

let app: INestApplication;
let telemetry: TestTelemetry;
beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({
    imports: [ObservabilityTestingModule.forRoot()],
    controllers: [DealsController],
  }).compile();
  app = moduleRef.createNestApplication();
  await app.init();
  telemetry = app.get(TestTelemetry);
});
beforeEach(() => telemetry.reset());
afterAll(async () => {
  await app.close();
  await pool.end();
});

it('expects the wrong business event', async () => {
  await request(app.getHttpServer()).post('/deals').expect(201);
  await telemetry.expectBusinessEvent('deal_update');
});

it('expects the wrong request count', async () => {
  await request(app.getHttpServer()).post('/deals').expect(201);
  await telemetry.expectMetric('prs_http_requests_total', { method: 'POST', endpoint: '/deals', status_code: '201' }, 2);
});
`;

describe('the testing kit in a separate project (packed package, its own Jest)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'prs-testing-kit-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    // The README example's table, in the shared test database.
    psql('DROP TABLE IF EXISTS example_deals');
  });

  /** Runs the project's Jest on `spec`; returns its exit code and output. */
  function jest(spec: string): { status: number | null; output: string } {
    const run = spawnSync(
      process.execPath,
      [join('node_modules', 'jest', 'bin', 'jest.js'), '--ci', spec],
      {
        cwd: dir,
        encoding: 'utf8',
        timeout: 300_000,
        env: {
          PATH: process.env.PATH ?? '',
          DATABASE_URL: TEST_DATABASE_URL,
        },
      },
    );
    return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
  }

  it("runs the README's tests against its own controller on Express and Fastify, and a wrong expectation fails listing what was recorded", () => {
    expect(blocks.map((b) => fileOf(b.code))).toEqual([
      'src/deals.controller.ts',
      'jest.config.js',
      'test/observability.setup.ts',
      'test/deals.spec.ts',
    ]);
    const packed = packLibrary(dir);
    const pinned = (...names: string[]) =>
      Object.fromEntries(names.map((n) => [n, installedVersion(n)]));
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: 'scratch-testing-kit',
        private: true,
        dependencies: {
          '@prs/nestjs-observability': `file:./${packed.filename}`,
          // CommonJS, so Jest loads it on every supported Node (README "Testing your telemetry").
          '@nestjs/terminus': '11.1.1',
          ...pinned(
            '@nestjs/common',
            '@nestjs/core',
            '@nestjs/platform-express',
            '@nestjs/platform-fastify',
            '@opentelemetry/api',
            'pg',
            'reflect-metadata',
            'rxjs',
          ),
        },
        devDependencies: {
          supertest: '7.3.2',
          '@types/supertest': '7.2.1',
          ...pinned(
            '@nestjs/testing',
            '@types/jest',
            '@types/node',
            '@types/pg',
            'jest',
            'ts-jest',
            'typescript',
          ),
        },
      }),
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'commonjs',
          strict: true,
          esModuleInterop: true,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          skipLibCheck: true,
          types: ['jest', 'node'],
        },
      }),
    );
    for (const { code } of blocks) {
      const file = join(dir, fileOf(code));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, code);
    }
    installScratchProject(dir, 400_000);

    const passing = jest('test/deals.spec.ts');
    expect(passing.output).toMatch(/Tests:\s+4 passed, 4 total/);
    expect(passing.status).toBe(0);

    writeFileSync(join(dir, 'test', 'wrong.spec.ts'), WRONG_SPEC);
    const failing = jest('test/wrong.spec.ts');
    expect(failing.status).toBe(1);
    expect(failing.output).toMatch(/Tests:\s+2 failed, 2 total/);
    expect(failing.output).toContain(
      'TelemetryExpectationError: Expected business event deal_update (success) 1 time(s), but it was recorded 0 time(s). Recorded business events:\n      deal_creation success: 1',
    );
    expect(failing.output).toContain(
      'TelemetryExpectationError: Expected prs_http_requests_total{endpoint="/deals",method="POST",status_code="201"} to be 2, but it is 1. Recorded series of prs_http_requests_total:\n      prs_http_requests_total{endpoint="/deals",method="POST",status_code="201"} 1',
    );
  });
});

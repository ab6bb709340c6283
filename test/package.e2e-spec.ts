import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  installScratchProject,
  installedVersion,
  packLibrary,
  SCRATCH_MAIN,
} from './support/packed-library';
import { scrape, valueOf } from './support/exposition';

describe('the packed package in a separate app', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'prs-scratch-app-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('packs the build output, README and CHANGELOG, installs from the tarball, boots and serves /metrics', async () => {
    const packed = packLibrary(dir);
    const files = packed.files.map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'CHANGELOG.md',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/register.js',
        'dist/sdk.js',
      ]),
    );
    expect(
      files.filter(
        (f) =>
          !f.startsWith('dist/') &&
          !['package.json', 'README.md', 'CHANGELOG.md'].includes(f),
      ),
    ).toEqual([]);
    expect(
      files.some(
        (f) =>
          f.endsWith('.spec.js') || (f.endsWith('.ts') && !f.endsWith('.d.ts')),
      ),
    ).toBe(false);

    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({
        name: 'scratch-app',
        private: true,
        dependencies: {
          '@prs/nestjs-observability': `file:./${packed.filename}`,
          '@nestjs/common': installedVersion('@nestjs/common'),
          '@nestjs/core': installedVersion('@nestjs/core'),
          '@nestjs/platform-express': installedVersion(
            '@nestjs/platform-express',
          ),
          '@opentelemetry/api': installedVersion('@opentelemetry/api'),
          'reflect-metadata': installedVersion('reflect-metadata'),
          rxjs: installedVersion('rxjs'),
        },
      }),
    );
    writeFileSync(join(dir, 'main.js'), SCRATCH_MAIN);
    // What npm shows on the package's page and installs beside the code.
    const installed = join(dir, 'node_modules', '@prs', 'nestjs-observability');
    installScratchProject(dir, 300_000);
    expect(readFileSync(join(installed, 'README.md'), 'utf8')).toMatch(
      /^# @prs\/nestjs-observability\n/,
    );
    expect(readFileSync(join(installed, 'CHANGELOG.md'), 'utf8')).toContain(
      '## Versioning policy',
    );
    const apiCopies = execFileSync(
      'npm',
      ['ls', '--all', '--parseable', '@opentelemetry/api'],
      { cwd: dir, encoding: 'utf8' },
    )
      .trim()
      .split('\n');
    expect(apiCopies).toHaveLength(1);

    // The package's bin (`npx prs-observability`), as an installed app gets it.
    const usage = execFileSync(
      process.execPath,
      [join(dir, 'node_modules', '.bin', 'prs-observability'), '--help'],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(usage).toContain('slo-rules');
    // `npx prs-observability doctor` in the app: the tarball's bin finds the app's packages.
    const doctor = JSON.parse(
      spawnSync(
        process.execPath,
        [
          join(dir, 'node_modules', '.bin', 'prs-observability'),
          'doctor',
          '--json',
        ],
        {
          cwd: dir,
          encoding: 'utf8',
          env: { PATH: process.env.PATH ?? '', OTEL_TRACES_EXPORTER: 'none' },
        },
      ).stdout,
    ) as { checks: { id: string; verdict: string; message: string }[] };
    expect(
      doctor.checks.filter((c) =>
        [
          'nest-version',
          'otel-api-version',
          'otel-singleton:@opentelemetry/api',
        ].includes(c.id),
      ),
    ).toEqual([
      expect.objectContaining({ id: 'nest-version', verdict: 'pass' }),
      expect.objectContaining({ id: 'otel-api-version', verdict: 'pass' }),
      expect.objectContaining({
        id: 'otel-singleton:@opentelemetry/api',
        verdict: 'pass',
      }),
    ]);

    const child = spawn(
      process.execPath,
      ['--import', '@prs/nestjs-observability/register', 'main.js'],
      {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '', OTEL_TRACES_EXPORTER: 'none' },
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
      expect(
        await (await fetch(`http://127.0.0.1:${port}/orders/17`)).json(),
      ).toEqual({ id: '17' });
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
  });
});

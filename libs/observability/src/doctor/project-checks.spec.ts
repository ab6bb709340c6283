import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPreload, checkVersions } from './project-checks';

const REGISTER = '@prs/nestjs-observability/register';

describe('checkPreload', () => {
  let dir: string;
  const app = (
    manifest: { type?: string; scripts?: Record<string, string> },
    nest = '11.2.10',
  ) => {
    writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
    const core = join(dir, 'node_modules', '@nestjs', 'core');
    mkdirSync(core, { recursive: true });
    writeFileSync(
      join(core, 'package.json'),
      JSON.stringify({ name: '@nestjs/core', version: nest }),
    );
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'prs-preload-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [
      'CommonJS, --import',
      {},
      `node --import ${REGISTER} dist/main.js`,
      {},
      'pass',
    ],
    ['CommonJS, --require', {}, `node -r ${REGISTER} dist/main.js`, {}, 'pass'],
    [
      'ESM by "type", --import',
      { type: 'module' },
      `node --import ${REGISTER} dist/main.js`,
      {},
      'pass',
    ],
    [
      'ESM by "type", --require',
      { type: 'module' },
      `node --require ${REGISTER} dist/main.js`,
      {},
      'fail',
    ],
    [
      'ESM by Nest 12, --require in NODE_OPTIONS',
      {},
      'node dist/main.js',
      { NODE_OPTIONS: `--require ${REGISTER}` },
      'fail',
      '12.6.0',
    ],
    ['no preload anywhere', {}, 'node dist/main.js', {}, 'warn'],
    [
      'preload in NODE_OPTIONS only',
      {},
      'node dist/main.js',
      { NODE_OPTIONS: `--import=${REGISTER}` },
      'pass',
    ],
  ])('%s', (_, manifest, start, env, verdict, nest = '11.2.10') => {
    app({ ...manifest, scripts: { start } }, nest);
    expect(checkPreload(dir, env).verdict).toBe(verdict);
  });

  it('names the place of --require in an ESM app', () => {
    app({
      type: 'module',
      scripts: { 'start:prod': `node -r ${REGISTER} main.js` },
    });
    expect(checkPreload(dir, {}).message).toContain(
      'but the "start:prod" script preloads the SDK with --require',
    );
  });

  it('skips a directory without package.json', () => {
    expect(checkPreload(dir, {}).verdict).toBe('skip');
  });
});

describe('checkVersions', () => {
  it('checks Nest and the API against the peer ranges', () => {
    expect(
      checkVersions({
        '@nestjs/core': '12.6.0',
        '@opentelemetry/api': '1.10.0',
      }).map((c) => c.verdict),
    ).toEqual(['pass', 'pass']);
    expect(
      checkVersions({ '@opentelemetry/api': '1.9.0' }).map((c) => c.message),
    ).toEqual([
      '@nestjs/core is not installed in this project.',
      '@opentelemetry/api 1.9.0 is not supported: the SDK needs >=1.10.0 <1.11.0.',
    ]);
  });
});

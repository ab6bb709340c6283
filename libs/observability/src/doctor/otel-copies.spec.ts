import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPackageCopies, OTEL_SINGLETONS } from './otel-copies';

function fakePackage(dir: string, name: string, version: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version }));
}

describe('findPackageCopies', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'prs-copies-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('finds top-level, nested and symlinked copies, and skips broken manifests', () => {
    const modules = join(root, 'node_modules');
    fakePackage(
      join(modules, '@opentelemetry', 'api'),
      '@opentelemetry/api',
      '1.10.0',
    );
    fakePackage(
      join(modules, 'lib', 'node_modules', '@opentelemetry', 'api'),
      '@opentelemetry/api',
      '1.9.0',
    );
    fakePackage(join(root, 'linked-core'), '@opentelemetry/core', '3.1.1');
    symlinkSync(
      join(root, 'linked-core'),
      join(modules, '@opentelemetry', 'core'),
    );
    mkdirSync(join(modules, 'broken'), { recursive: true });
    writeFileSync(join(modules, 'broken', 'package.json'), '{ not json');

    const copies = findPackageCopies(root);
    expect(copies.get('@opentelemetry/api')).toEqual([
      {
        version: '1.10.0',
        path: join('node_modules', '@opentelemetry', 'api'),
      },
      {
        version: '1.9.0',
        path: join(
          'node_modules',
          'lib',
          'node_modules',
          '@opentelemetry',
          'api',
        ),
      },
    ]);
    expect(copies.get('@opentelemetry/core')).toEqual([
      {
        version: '3.1.1',
        path: join('node_modules', '@opentelemetry', 'core'),
      },
    ]);
    expect(copies.get('@opentelemetry/instrumentation')).toEqual([]);
  });

  it('has no node_modules to walk in an empty directory', () => {
    expect([...findPackageCopies(root).values()].flat()).toEqual([]);
  });
});

describe('OTEL_SINGLETONS', () => {
  it("is the repository guard's list (scripts/check-otel-duplicates.mjs)", () => {
    // The script runs in CI before anything is built, so it cannot import this module.
    const script = readFileSync(
      join(
        __dirname,
        '..',
        '..',
        '..',
        '..',
        'scripts',
        'check-otel-duplicates.mjs',
      ),
      'utf8',
    );
    const list = /const SINGLETONS = \[([\s\S]*?)\];/.exec(script)?.[1] ?? '';
    expect([...list.matchAll(/'([^']+)'/g)].map((m) => m[1])).toEqual([
      ...OTEL_SINGLETONS,
    ]);
  });
});

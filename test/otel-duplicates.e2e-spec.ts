import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './support/fixture-process';

const SCRIPT = join(REPO_ROOT, 'scripts', 'check-otel-duplicates.mjs');

function fakePackage(dir: string, name: string, version: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version }));
}

describe('duplicate OpenTelemetry guard', () => {
  it('passes on this repository', () => {
    const result = spawnSync(process.execPath, [SCRIPT, REPO_ROOT], {
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/@opentelemetry\/api@1\.10\.\d+/);
  });

  it('fails when a nested second version exists', () => {
    const root = mkdtempSync(join(tmpdir(), 'prs-dupes-'));
    try {
      fakePackage(
        join(root, 'node_modules', '@opentelemetry', 'api'),
        '@opentelemetry/api',
        '1.9.1',
      );
      fakePackage(
        join(
          root,
          'node_modules',
          'lib',
          'node_modules',
          '@opentelemetry',
          'api',
        ),
        '@opentelemetry/api',
        '1.8.0',
      );
      fakePackage(
        join(root, 'node_modules', '@opentelemetry', 'core'),
        '@opentelemetry/core',
        '2.12.0',
      );
      const result = spawnSync(process.execPath, [SCRIPT, root], {
        encoding: 'utf8',
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(
        '@opentelemetry/api: 2 versions installed',
      );
      expect(result.stderr).toContain(
        '1.8.0  node_modules/lib/node_modules/@opentelemetry/api',
      );
      expect(result.stderr).not.toContain('@opentelemetry/core:');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

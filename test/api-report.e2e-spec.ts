import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './support/fixture-process';

// Needs the library's build (libs/observability/dist), as `npm test` makes it first.
const SCRIPT = join(REPO_ROOT, 'scripts', 'api-report.mjs');
const LIB = join(REPO_ROOT, 'libs', 'observability');
const DIST = join(LIB, 'dist');
const REPORTS = join(LIB, 'api');
// Scratch copies live inside the repository (.tmp/ is ignored by Git) so that the
// copied declarations resolve their imports from the repository's node_modules.
const SCRATCH_PARENT = join(REPO_ROOT, '.tmp');

function check(...options: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [SCRIPT, '--check', ...options], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
}

/** Every report's text, by file name: the real tree must come out unchanged. */
function readReports(folder: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(folder)
      .sort()
      .map((name) => [name, readFileSync(join(folder, name), 'utf8')]),
  );
}

describe('API reports of the public entry points', () => {
  let scratch: string;
  beforeAll(() => {
    expect(existsSync(join(DIST, 'index.d.ts'))).toBe(true); // npm run build:lib
    mkdirSync(SCRATCH_PARENT, { recursive: true });
    scratch = mkdtempSync(join(SCRATCH_PARENT, 'api-report-test-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** The built declarations and the checked-in reports, copied under `name`. */
  function copyBuild(name: string): {
    dist: string;
    reports: string;
    options: string[];
  } {
    const root = join(scratch, name);
    const dist = join(root, 'dist');
    const reports = join(root, 'api');
    cpSync(DIST, dist, {
      recursive: true,
      filter: (from) => statSync(from).isDirectory() || from.endsWith('.d.ts'),
    });
    cpSync(REPORTS, reports, { recursive: true });
    const temp = join(root, 'out');
    const options = ['--dist', dist, '--reports', reports, '--temp', temp];
    return { dist, reports, options };
  }

  it('the checked-in reports match the built declarations', () => {
    const result = check('--temp', join(scratch, 'current'));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    for (const [entry, name] of [
      ['.', 'index'],
      ['./sdk', 'sdk'],
      ['./register', 'register'],
      ['./cluster', 'cluster'],
    ]) {
      expect(result.stdout).toContain(
        `${name} (${entry}): libs/observability/api/${name}.api.md is current`,
      );
    }
  });

  it('fails naming the index entry when an export is added to index.d.ts', () => {
    const before = readReports(REPORTS);
    const copy = copyBuild('planted');
    appendFileSync(
      join(copy.dist, 'index.d.ts'),
      '\nexport declare const planted: number;\n',
    );

    const result = check(...copy.options);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('+export const planted: number;');
    expect(result.stderr).toMatch(
      /index \(\.\): \S*\/planted\/api\/index\.api\.md is out of date/,
    );
    expect(result.stderr).toContain('npm run api:update');
    expect(result.stderr).not.toContain('sdk (./sdk):');
    expect(result.stderr).not.toContain('register (./register):');
    expect(readReports(REPORTS)).toEqual(before);
    expect(readReports(copy.reports)).toEqual(before);
  });

  it('passes on the same copy without the planted export', () => {
    const result = check(...copyBuild('clean').options);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('index (.): ');
  });

  it('fails when a report is missing', () => {
    const copy = copyBuild('missing');
    rmSync(join(copy.reports, 'register.api.md'));
    const result = check(...copy.options);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /register \(\.\/register\): \S*\/missing\/api\/register\.api\.md is missing/,
    );
  });
});

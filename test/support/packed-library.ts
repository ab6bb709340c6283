import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './fixture-process';

/** The library's package folder (what `npm pack` packs: its built `dist/`). */
export const LIB = join(REPO_ROOT, 'libs', 'observability');

/** The version of `name` installed in the repository, for a scratch app to pin the same. */
export function installedVersion(name: string): string {
  return (
    JSON.parse(
      readFileSync(
        join(REPO_ROOT, 'node_modules', name, 'package.json'),
        'utf8',
      ),
    ) as { version: string }
  ).version;
}

/** Packs the built library into `dir` with `npm pack`; returns the tarball and its files. */
export function packLibrary(dir: string): {
  filename: string;
  files: { path: string }[];
} {
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', dir], {
      cwd: LIB,
      encoding: 'utf8',
    }),
  ) as { filename: string; files: { path: string }[] }[];
  const first = packed[0];
  if (first === undefined) throw new Error('npm pack packed nothing');
  return first;
}

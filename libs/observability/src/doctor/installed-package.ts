import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The package.json fields the doctor reads. */
export interface Manifest {
  name?: string;
  version?: string;
  type?: string;
  scripts?: Record<string, string>;
}

/** Reads `file` as a package.json, or `undefined` when it is missing or not JSON. */
export function readManifest(file: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/**
 * The manifest of `name` as Node resolves it from `dir`: the first
 * `node_modules/<name>` up the directory tree. Read from disk, not `require.resolve`d,
 * so packages whose `exports` hide their package.json are found too.
 */
export function installedManifest(
  dir: string,
  name: string,
): Manifest | undefined {
  for (let at = dir; ; at = dirname(at)) {
    const file = join(at, 'node_modules', name, 'package.json');
    if (existsSync(file)) return readManifest(file);
    if (dirname(at) === at) return undefined;
  }
}

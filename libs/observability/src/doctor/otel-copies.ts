import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * OpenTelemetry packages that must be installed once: a second copy splits the globals
 * (`@opentelemetry/api`) or the patches (`-instrumentation`) or fails `instanceof` across
 * copies (`-core`, `-sdk-trace`). scripts/check-otel-duplicates.mjs guards the repo with
 * the same list.
 */
export const OTEL_SINGLETONS = [
  '@opentelemetry/api',
  '@opentelemetry/instrumentation',
  '@opentelemetry/core',
  '@opentelemetry/sdk-trace',
  '@opentelemetry/sdk-trace-base',
] as const;

/** One installed copy of a package. */
export interface PackageCopy {
  version: string;
  /** Its directory, relative to the project root. */
  path: string;
}

/** How deep nested `node_modules` are walked; npm trees are far shallower. */
const MAX_DEPTH = 12;

/**
 * Every installed copy of each of `names` under `root/node_modules`, nested copies
 * included (`npm ls` does not flag two versions of a singleton).
 */
export function findPackageCopies(
  root: string,
  names: readonly string[] = OTEL_SINGLETONS,
): Map<string, PackageCopy[]> {
  const found = new Map<string, PackageCopy[]>(names.map((n) => [n, []]));
  const walk = (nodeModules: string, depth: number): void => {
    if (depth > MAX_DEPTH || !existsSync(nodeModules)) return;
    for (const dir of packageDirs(nodeModules)) {
      const manifest = readManifest(dir);
      if (manifest !== undefined)
        found
          .get(manifest.name)
          ?.push({ version: manifest.version, path: relative(root, dir) });
      walk(join(dir, 'node_modules'), depth + 1);
    }
  };
  walk(join(root, 'node_modules'), 0);
  return found;
}

function packageDirs(nodeModules: string): string[] {
  const dirs: string[] = [];
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
    const path = join(nodeModules, entry.name);
    if (!entry.name.startsWith('@')) {
      dirs.push(path);
      continue;
    }
    for (const scoped of readdirSync(path, { withFileTypes: true }))
      if (scoped.isDirectory() || scoped.isSymbolicLink())
        dirs.push(join(path, scoped.name));
  }
  return dirs;
}

function readManifest(
  dir: string,
): { name: string; version: string } | undefined {
  try {
    const json = JSON.parse(
      readFileSync(join(dir, 'package.json'), 'utf8'),
    ) as { name?: unknown; version?: unknown };
    return typeof json.name === 'string' && typeof json.version === 'string'
      ? { name: json.name, version: json.version }
      : undefined;
  } catch {
    return undefined;
  }
}

import { join } from 'node:path';
import { MIN_NODE_VERSION, isSupportedNode } from '../core/supported-runtime';
import { type CheckResult, fail, pass, skip } from './doctor-check';
import { doctorMessages as m } from './doctor-messages';
import { installedManifest, readManifest } from './installed-package';
import { findPackageCopies } from './otel-copies';
import { PEER_RANGES } from './peer-ranges';
import { findPreloads } from './preload-flags';
import { satisfies } from './version-range';

/** Node.js: `version` is the running app's (from its status) or this shell's. */
export function checkNode(version: string, whose: string): CheckResult {
  const title = 'Node.js version';
  return isSupportedNode(version)
    ? pass('node-version', title, `${whose} Node.js ${version} is supported`)
    : fail('node-version', title, m.unsupportedNode(version, MIN_NODE_VERSION));
}

/** Nest and @opentelemetry/api, against the SDK's peer ranges. */
export function checkVersions(
  versions: Partial<Record<'@nestjs/core' | '@opentelemetry/api', string>>,
): CheckResult[] {
  const nest = versions['@nestjs/core'];
  const nestRange = PEER_RANGES['@nestjs/core'] ?? '';
  const api = versions['@opentelemetry/api'];
  const apiRange = PEER_RANGES['@opentelemetry/api'] ?? '';
  return [
    nest === undefined
      ? fail('nest-version', 'Nest version', m.nestMissing())
      : satisfies(nest, nestRange)
        ? pass('nest-version', 'Nest version', `@nestjs/core ${nest}`)
        : fail(
            'nest-version',
            'Nest version',
            m.unsupportedNest(nest, nestRange),
          ),
    api === undefined
      ? fail('otel-api-version', 'OpenTelemetry API version', m.apiMissing())
      : satisfies(api, apiRange)
        ? pass(
            'otel-api-version',
            'OpenTelemetry API version',
            `@opentelemetry/api ${api}`,
          )
        : fail(
            'otel-api-version',
            'OpenTelemetry API version',
            m.unsupportedApi(api, apiRange),
          ),
  ];
}

/** One version of each OpenTelemetry singleton under `dir/node_modules`. */
export function checkSingletons(dir: string): CheckResult[] {
  const results: CheckResult[] = [];
  for (const [name, copies] of findPackageCopies(dir)) {
    const id = `otel-singleton:${name}`;
    const title = `One copy of ${name}`;
    const versions = [...new Set(copies.map((c) => c.version))];
    if (copies.length === 0) continue;
    results.push(
      versions.length === 1
        ? pass(id, title, `${name}@${versions[0]}`)
        : fail(
            id,
            title,
            m.duplicateSingleton(
              name,
              copies.map((c) => `${c.version} at ${c.path}`),
            ),
          ),
    );
  }
  return results;
}

/** The versions the doctor checks, as installed in `dir`. */
export function installedVersions(
  dir: string,
): Partial<Record<'@nestjs/core' | '@opentelemetry/api', string>> {
  return {
    '@nestjs/core': installedManifest(dir, '@nestjs/core')?.version,
    '@opentelemetry/api': installedManifest(dir, '@opentelemetry/api')?.version,
  };
}

/**
 * CommonJS or ESM, and the preload line: an ESM app (Nest 12, or `"type": "module"`)
 * must preload with `--import`; `--require` misses ESM imports.
 */
export function checkPreload(dir: string, env: NodeJS.ProcessEnv): CheckResult {
  const id = 'preload';
  const title = 'Preload line (CommonJS or ESM)';
  const manifest = readManifest(join(dir, 'package.json'));
  if (manifest === undefined)
    return skip(id, title, `no package.json in ${dir}`);
  const nest = installedManifest(dir, '@nestjs/core')?.version;
  const esm =
    manifest.type === 'module' ||
    (nest !== undefined && Number.parseInt(nest, 10) >= 12);
  const kind = esm ? 'ESM' : 'CommonJS';
  const places: [string, string | undefined][] = [
    ['the "start" script', manifest.scripts?.start],
    ['the "start:prod" script', manifest.scripts?.['start:prod']],
    ['NODE_OPTIONS', env.NODE_OPTIONS],
  ];
  let imported: string | undefined;
  for (const [where, line] of places) {
    if (line === undefined) continue;
    const found = findPreloads(line);
    if (esm && found.require) return fail(id, title, m.esmWithRequire(where));
    if (found.import || found.require) imported ??= where;
  }
  return imported === undefined
    ? fail(
        id,
        title,
        m.noPreload('The start command ("start", "start:prod", NODE_OPTIONS)'),
        'warn',
      )
    : pass(id, title, `${kind} app, preloaded by ${imported}`);
}

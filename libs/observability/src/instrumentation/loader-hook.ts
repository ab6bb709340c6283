import * as nodeModule from 'node:module';
import { pathToFileURL } from 'node:url';

/** The packages the enabled instrumentations patch when loaded with `import`. */
const HOOKED_MODULES = ['http', 'https', 'express', 'pg', 'pg-pool', 'ioredis'];

const HOOK_REGISTERED = Symbol.for('@prs/nestjs-observability:loader-hook');

type GlobalWithHook = typeof globalThis & { [HOOK_REGISTERED]?: boolean };

/**
 * Registers import-in-the-middle's loader hook so ESM apps (Nest 12) get their
 * `import`s of pg, ioredis and express patched; `require()` is patched without it.
 * Must run before the app's first `import`, hence in the preload.
 */
export function registerLoaderHook(): void {
  const g = globalThis as GlobalWithHook;
  if (g[HOOK_REGISTERED]) return;
  // `module.register` exists from Node 20.6; older runtimes can only instrument CommonJS.
  if (typeof nodeModule.register !== 'function') return;
  // Only the modules we instrument go through import-in-the-middle. Wrapping every ES
  // module also wrapped ESM-only packages that CommonJS code require()s (Terminus, Nest 12),
  // which Node 22's require(esm) intermittently rejects ("not yet fully loaded").
  nodeModule.register(
    'import-in-the-middle/hook.mjs',
    pathToFileURL(__filename),
    {
      data: { include: [...HOOKED_MODULES] },
    },
  );
  g[HOOK_REGISTERED] = true;
}

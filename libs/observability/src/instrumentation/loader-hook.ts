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
  // Only the modules we instrument go through import-in-the-middle. Wrapping every ES
  // module also wrapped ESM-only packages that CommonJS code require()s (Terminus, Nest 12),
  // which Node 22's require(esm) intermittently rejects ("not yet fully loaded").
  if (registerSyncHooks()) {
    g[HOOK_REGISTERED] = true;
    return;
  }
  if (typeof nodeModule.register !== 'function') return;
  nodeModule.register(
    'import-in-the-middle/hook.mjs',
    pathToFileURL(__filename),
    {
      data: { include: [...HOOKED_MODULES] },
    },
  );
  g[HOOK_REGISTERED] = true;
}

interface SyncHooks {
  register(options: { include: string[] }): void;
  supportsSyncHooks(): boolean;
}

/**
 * From Node 24 on, import-in-the-middle's in-thread hooks go through
 * `module.registerHooks()`: `module.register()` runs the hooks on a loader thread of
 * their own, a second V8 isolate that costs ~23 MB of RSS for the life of the process
 * (docs/performance.md), and Node 26 deprecates it (DEP0205, a warning on stderr at
 * every start). Node 22 keeps the off-thread loader.
 */
function registerSyncHooks(): boolean {
  const major = Number.parseInt(process.versions.node, 10);
  if (major < 24) return false;
  // An ES module, loaded with require(esm) (Node >= 22.12); the type is declared above.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hooks = require('import-in-the-middle/register-hooks.mjs') as SyncHooks;
  if (!hooks.supportsSyncHooks()) return false;
  hooks.register({ include: [...HOOKED_MODULES] });
  return true;
}

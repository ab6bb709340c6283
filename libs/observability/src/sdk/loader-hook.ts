import * as nodeModule from 'node:module';
import { pathToFileURL } from 'node:url';

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
  nodeModule.register(
    'import-in-the-middle/hook.mjs',
    pathToFileURL(__filename),
  );
  g[HOOK_REGISTERED] = true;
}

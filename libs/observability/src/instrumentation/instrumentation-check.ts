import { createRequire } from 'node:module';
import { isInstrumented } from './chain-patch';
import type { InstrumentationName } from '../sdk/sdk-options';

interface Probe {
  module: InstrumentationName;
  /** The function the instrumentation patches, from the module's exports. */
  patched: (exports: Record<string, unknown>) => unknown;
}

const PROBES: readonly Probe[] = [
  {
    module: 'pg',
    patched: (pg) =>
      (pg.Client as { prototype?: { query?: unknown } } | undefined)?.prototype
        ?.query,
  },
  {
    module: 'ioredis',
    patched: (redis) =>
      (redis as { prototype?: { sendCommand?: unknown } }).prototype
        ?.sendCommand,
  },
];

/**
 * Names the enabled modules that were loaded (through `require`) but not patched,
 * which happens when the app loaded them before the SDK started. Modules the app
 * has not loaded are not loaded here. ESM-only loads are not visible to this check.
 */
export function findUninstrumentedModules(
  enabled: Record<InstrumentationName, boolean>,
  tracing: boolean,
  fromDir: string = process.cwd(),
): InstrumentationName[] {
  const require = createRequire(`${fromDir}/`);
  const missed: InstrumentationName[] = [];
  for (const probe of PROBES) {
    if (!enabled[probe.module]) continue;
    let path: string;
    try {
      path = require.resolve(probe.module);
    } catch {
      continue; // not installed
    }
    const loaded = require.cache[path];
    if (loaded === undefined) continue;
    const target = probe.patched(loaded.exports as Record<string, unknown>);
    if (typeof target === 'function' && !isInstrumented(target, tracing))
      missed.push(probe.module);
  }
  return missed;
}

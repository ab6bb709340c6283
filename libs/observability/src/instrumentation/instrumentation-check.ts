import { createRequire } from 'node:module';
import { isInstrumented } from './chain-patch';
import type { InstrumentationName } from '../sdk/sdk-options';

interface Probe {
  module: InstrumentationName;
  /** The function the instrumentation patches, from the module's exports. */
  patched: (exports: Record<string, unknown>) => unknown;
  /** Patched only when spans are exported (no metric of ours comes from it). */
  tracingOnly?: boolean;
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
  {
    module: 'express',
    patched: (express) =>
      (express.application as { use?: unknown } | undefined)?.use,
    tracingOnly: true,
  },
];

/** What became of one probed module's instrumentation. */
export type ModuleState =
  'instrumented' | 'loaded-before-sdk' | 'not-loaded' | 'disabled';

/**
 * The state of each probed module (pg, ioredis, and express when tracing): `loaded-before-sdk` when the app loaded
 * it (through `require`) but it is not patched, which happens when it was loaded before
 * the SDK started. Modules the app has not loaded are not loaded here. ESM-only loads
 * are not visible to this check (`not-loaded`).
 */
export function moduleStates(
  enabled: Record<InstrumentationName, boolean>,
  tracing: boolean,
  fromDir: string = process.cwd(),
): Partial<Record<InstrumentationName, ModuleState>> {
  const require = createRequire(`${fromDir}/`);
  const states: Partial<Record<InstrumentationName, ModuleState>> = {};
  for (const probe of PROBES) {
    if (!enabled[probe.module] || (probe.tracingOnly && !tracing)) {
      states[probe.module] = 'disabled';
      continue;
    }
    let loaded: NodeJS.Module | undefined;
    try {
      loaded = require.cache[require.resolve(probe.module)];
    } catch {
      loaded = undefined; // not installed
    }
    const target =
      loaded === undefined
        ? undefined
        : probe.patched(loaded.exports as Record<string, unknown>);
    states[probe.module] =
      typeof target !== 'function'
        ? 'not-loaded'
        : isInstrumented(target, tracing)
          ? 'instrumented'
          : 'loaded-before-sdk';
  }
  return states;
}

/** Names the enabled modules that were loaded but not patched (see {@link moduleStates}). */
export function findUninstrumentedModules(
  enabled: Record<InstrumentationName, boolean>,
  tracing: boolean,
  fromDir: string = process.cwd(),
): InstrumentationName[] {
  return Object.entries(moduleStates(enabled, tracing, fromDir))
    .filter(([, state]) => state === 'loaded-before-sdk')
    .map(([module]) => module as InstrumentationName);
}

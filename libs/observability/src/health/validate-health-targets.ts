import type { ResolvedHealthOptions } from './resolved-health-options';

/** The dependency sections of the resolved health options. */
export type HealthTargets = Pick<
  ResolvedHealthOptions,
  'postgres' | 'redis' | 'disk' | 'smtp' | 's3' | 'application'
>;
import type { OptionChecks } from './option-checks';
import { resolveDataStores } from './validate-health-stores';
import { resolveServices } from './validate-health-services';

/** Validates the dependency sections of `health` (see `resolveHealthOptions`). */
export function resolveHealthTargets(
  h: Record<string, unknown>,
  c: OptionChecks,
): HealthTargets {
  return { ...resolveDataStores(h, c), ...resolveServices(h, c) };
}

import type { HealthTargets } from './resolved-health-options';

import type { OptionChecks } from '../core/option-checks';
import { resolveDataStores } from './validate-health-stores';
import { resolveServices } from './validate-health-services';

/** Validates the dependency sections of `health` (see `resolveHealthOptions`). */
export function resolveHealthTargets(
  h: Record<string, unknown>,
  c: OptionChecks,
): HealthTargets {
  return { ...resolveDataStores(h, c), ...resolveServices(h, c) };
}

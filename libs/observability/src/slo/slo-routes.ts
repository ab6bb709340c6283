import type { ConfigProblem } from '../core/observability-config.error';
import type { AppRoute } from './app-routes';
import type { ResolvedSloOptions } from './slo-options.interface';

/**
 * Problems for objectives whose route the app does not have (an `@All()` route
 * matches every method), naming the app's routes with the same path.
 */
export function unknownSloRoutes(
  slo: ResolvedSloOptions,
  routes: readonly AppRoute[],
  path = 'slo',
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  slo.objectives.forEach((objective, index) => {
    const route = objective.route;
    if (route === undefined) return;
    const samePath = routes.filter((r) => r.endpoint === route.endpoint);
    if (samePath.some((r) => r.method === route.method || r.method === 'ALL'))
      return;
    const hint =
      samePath.length > 0
        ? `; the app serves ${route.endpoint} for ${[...new Set(samePath.map((r) => r.method))].sort().join(', ')}`
        : '; check the global prefix and the parameter names (the route as the endpoint label shows it)';
    problems.push({
      path: `${path}.objectives[${index}].route`,
      message: `the app has no route ${route.method} ${route.endpoint}${hint}`,
    });
  });
  return problems;
}

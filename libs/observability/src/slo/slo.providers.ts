import type { Provider } from '@nestjs/common';
import { SloRouteCheck } from './slo-route-check';

/** The SLO capability: the startup check of the objectives' routes. */
export const SLO_PROVIDERS: Provider[] = [SloRouteCheck];

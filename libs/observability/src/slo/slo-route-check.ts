import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ModuleRef, ModulesContainer } from '@nestjs/core';
import { ObservabilityConfigError } from '../core/observability-config.error';
import { appRoutes } from './app-routes';
import type { SloConfig } from './slo-options.interface';
import { unknownSloRoutes } from './slo-routes';
import { SLO_OPTIONS } from './slo.constants';

/**
 * Fails the bootstrap when an objective is invalid or names a route the app does not
 * have, with one error listing both: the options validation cannot know the routes,
 * Nest knows them once its router ran.
 */
@Injectable()
export class SloRouteCheck implements OnApplicationBootstrap {
  constructor(
    @Inject(SLO_OPTIONS) private readonly config: SloConfig,
    private readonly modules: ModulesContainer,
    private readonly moduleRef: ModuleRef,
  ) {}

  onApplicationBootstrap(): void {
    const { slo } = this.config;
    const problems = [
      ...this.config.problems,
      ...(slo === undefined
        ? []
        : unknownSloRoutes(slo, appRoutes(this.modules, this.moduleRef))),
    ];
    if (problems.length > 0)
      throw new ObservabilityConfigError(
        'ObservabilityModule options',
        problems,
      );
  }
}

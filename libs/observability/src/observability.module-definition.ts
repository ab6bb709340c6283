import {
  type ConfigurableModuleAsyncOptions,
  ConfigurableModuleBuilder,
} from '@nestjs/common';
import type { ObservabilityModuleOptions } from './options/observability-options.interface';

const definition = new ConfigurableModuleBuilder<ObservabilityModuleOptions>({
  moduleName: 'Observability',
})
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();

export const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } = definition;

/** What `ObservabilityModule.forRoot()` takes: the options, plus `isGlobal` (default `true`). */
export type ObservabilityModuleSyncOptions = ObservabilityModuleOptions & {
  isGlobal?: boolean;
};

/**
 * What `ObservabilityModule.forRootAsync()` takes: `useFactory` (with `imports` and
 * `inject`), `useClass` or `useExisting`, plus `isGlobal` (default `true`).
 */
export type ObservabilityModuleAsyncOptions =
  ConfigurableModuleAsyncOptions<ObservabilityModuleOptions> & {
    isGlobal?: boolean;
  };

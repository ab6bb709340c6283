import { ConfigurableModuleBuilder } from '@nestjs/common';
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

// Nest's OPTIONS_TYPE and ASYNC_OPTIONS_TYPE are type carriers (proxies that throw when
// read as values), so they are re-exported as types only.
/** What `ObservabilityModule.forRoot()` takes: the options plus `isGlobal`. */
export type ObservabilityModuleSyncOptions = typeof definition.OPTIONS_TYPE;
/** What `ObservabilityModule.forRootAsync()` takes (`useFactory`, `useClass`, `imports`, ...). */
export type ObservabilityModuleAsyncOptions =
  typeof definition.ASYNC_OPTIONS_TYPE;

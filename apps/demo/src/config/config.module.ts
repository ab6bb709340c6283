import { Global, Module } from '@nestjs/common';
import { DEMO_CONFIG, readDemoConfig } from './demo-config';

/** The environment, read once. */
@Global()
@Module({
  providers: [{ provide: DEMO_CONFIG, useFactory: () => readDemoConfig() }],
  exports: [DEMO_CONFIG],
})
export class ConfigModule {}

import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ObservabilityModule } from '@prs/nestjs-observability';
import type Redis from 'ioredis';
import { AuthModule } from './auth/auth.module';
import { CacheModule } from './cache/cache.module';
import { REDIS } from './cache/redis.constants';
import { CommissionsController } from './commissions/commissions.controller';
import { CommissionsService } from './commissions/commissions.service';
import { ClientErrorFilter } from './common/client-error.filter';
import { ConfigModule } from './config/config.module';
import { type DemoConfig, DEMO_CONFIG } from './config/demo-config';
import { DatabaseModule } from './database/database.module';
import { Database } from './database/database.service';
import { DealsController } from './deals/deals.controller';
import { DealsRepository } from './deals/deals.repository';
import { DealsService } from './deals/deals.service';
import { DebugController } from './debug/debug.controller';
import { observabilityOptions } from './observability/observability-options.factory';
import { PaymentProcessor } from './payments/payment-processor';
import { PaymentsController } from './payments/payments.controller';
import { PaymentsService } from './payments/payments.service';

/** The PRS demo: auth, deals (cached), payments, commissions, and a failing route. */
@Module({
  imports: [
    ConfigModule,
    DatabaseModule,
    CacheModule,
    ObservabilityModule.forRootAsync({
      inject: [DEMO_CONFIG, Database, REDIS],
      useFactory: (
        config: DemoConfig,
        db: Database,
        redis: Redis | undefined,
      ) => observabilityOptions(config, db, redis),
    }),
    AuthModule,
  ],
  controllers: [
    DealsController,
    PaymentsController,
    CommissionsController,
    DebugController,
  ],
  providers: [
    DealsRepository,
    DealsService,
    PaymentsService,
    PaymentProcessor,
    CommissionsService,
    { provide: APP_FILTER, useClass: ClientErrorFilter },
  ],
})
export class AppModule {}

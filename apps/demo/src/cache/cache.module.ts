import {
  Global,
  Inject,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type Redis from 'ioredis';
import { type DemoConfig, DEMO_CONFIG } from '../config/demo-config';
import { connectRedis } from './redis-client';
import { DealCache } from './deal-cache.service';
import { REDIS } from './redis.constants';

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [DEMO_CONFIG],
      useFactory: (config: DemoConfig): Promise<Redis> | undefined =>
        config.redisUrl === undefined
          ? undefined
          : connectRedis(config.redisUrl),
    },
    DealCache,
  ],
  exports: [REDIS, DealCache],
})
export class CacheModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis | undefined) {}

  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }
}

import 'reflect-metadata';
import { type INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ObservabilityLogger } from '@prs/nestjs-observability';
import type Redis from 'ioredis';
import { AppModule } from './app.module';
import { REDIS } from './cache/redis.constants';
import { type DemoConfig, DEMO_CONFIG } from './config/demo-config';
import { Database } from './database/database.service';
import { printBanner } from './startup-banner';

// bufferLogs: Nest's bootstrap lines (and the database fallback line) are replayed
// through the JSON logger once it is in place. abortOnError: false, so a failed boot
// exits with a message instead of `process.abort()`.
const OPTIONS = { bufferLogs: true, abortOnError: false };

// Start with the SDK preloaded: `npm run demo`, i.e.
// node --import @prs/nestjs-observability/register dist/apps/demo/main.js
async function bootstrap(): Promise<void> {
  const adapter =
    process.env.DEMO_ADAPTER === 'fastify' ? 'fastify' : 'express';
  const app: INestApplication =
    adapter === 'fastify'
      ? await NestFactory.create(AppModule, new FastifyAdapter(), OPTIONS)
      : await NestFactory.create(AppModule, OPTIONS);
  app.useLogger(app.get(ObservabilityLogger));
  app.setGlobalPrefix('api');
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? '127.0.0.1';
  await app.listen(port, host);
  printBanner({
    adapter,
    url: await app.getUrl(),
    database: app.get(Database).info,
    redis: app.get<Redis | undefined>(REDIS),
    config: app.get<DemoConfig>(DEMO_CONFIG),
  });
}

bootstrap().catch((error: unknown) => {
  new Logger('Demo').fatal(
    'PRS demo failed to start',
    error instanceof Error ? error.stack : String(error),
  );
  // The half-built app still holds a pg pool and a reconnecting Redis client.
  process.exit(1);
});

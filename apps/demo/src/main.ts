import 'reflect-metadata';
import { type INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';

// Start with the SDK preloaded: `npm run demo`, i.e.
// node --import @prs/nestjs-observability/register dist/apps/demo/main.js
async function bootstrap(): Promise<void> {
  const adapter =
    process.env.DEMO_ADAPTER === 'fastify' ? 'fastify' : 'express';
  const app: INestApplication =
    adapter === 'fastify'
      ? await NestFactory.create(AppModule, new FastifyAdapter())
      : await NestFactory.create(AppModule);
  app.setGlobalPrefix('api');
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? '127.0.0.1';
  await app.listen(port, host);
  const url = await app.getUrl();
  const logger = new Logger('Demo');
  logger.log(`PRS demo (${adapter}) listening on ${url}`);
  logger.log(`Metrics: ${url}/metrics`);
}

void bootstrap();

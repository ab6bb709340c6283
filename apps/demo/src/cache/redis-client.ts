import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { safeUrl } from '../config/demo-config';

const log = new Logger('Cache');

/**
 * Connects to `url` (bounded to 2 s) and returns the client whether or not it
 * connected: a client that is not `ready` means "caching off", and ioredis keeps
 * reconnecting in the background, so caching comes back with Redis. Commands never
 * queue while disconnected (`enableOfflineQueue: false`) and time out after 1 s.
 */
export async function connectRedis(url: string): Promise<Redis> {
  const where = safeUrl(url);
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 1_000,
    retryStrategy: (attempt) => Math.min(attempt * 250, 2_000),
  });
  let lastError = '';
  client.on('error', (error: Error & { code?: string }) => {
    lastError = error.code ?? error.message;
  });
  try {
    await client.connect();
    log.log(`Redis at ${where} connected: caching on`);
  } catch {
    log.warn(
      `Redis at ${where} is not reachable (${lastError || 'no answer'}); running with caching off. Readiness reports the cache down; caching resumes when Redis is back`,
    );
  }
  watchTransitions(client, where);
  return client;
}

/** One line per change of state, never one per reconnect attempt. */
function watchTransitions(client: Redis, where: string): void {
  let up = client.status === 'ready';
  client.on('ready', () => {
    if (!up) log.log(`Redis at ${where} is back: caching on`);
    up = true;
  });
  client.on('close', () => {
    if (up) log.warn(`Redis at ${where} connection lost: caching off`);
    up = false;
  });
}

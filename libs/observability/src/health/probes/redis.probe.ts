import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { ProbeResult } from '../check-outcome';
import type { ResolvedHealthOptions } from '../resolved-health-options';
import { seconds } from './round';

type RedisConfig = NonNullable<ResolvedHealthOptions['redis']>;
const FAILED = 'Cache connectivity failed';

/**
 * SET (with TTL) and GET of a namespaced key on the app's own ioredis client, then
 * `connected_clients` and `used_memory_human` from INFO. A client that is not `ready`
 * is reported at once, instead of queueing the probe behind a reconnect.
 */
export class RedisProbe {
  private readonly key: string;

  constructor(private readonly config: RedisConfig) {
    this.key = `${config.keyPrefix}${hostname()}:${process.pid}`;
  }

  async run(): Promise<ProbeResult> {
    const { client, keyTtlSeconds, responseTimeThresholdMs } = this.config;
    const status = String(client.status);
    if (status !== 'ready') {
      return {
        healthy: false,
        data: {
          error: `not connected (client status "${status}")`,
          details: FAILED,
        },
      };
    }
    const token = randomUUID();
    const start = performance.now();
    await client.set(this.key, token, 'EX', keyTtlSeconds);
    const value = await client.get(this.key);
    const elapsedMs = performance.now() - start;
    if (value !== token) {
      return {
        healthy: false,
        data: {
          error: 'read back a different value than written',
          details: FAILED,
        },
      };
    }
    const info = parseInfo(await client.info());
    const healthy = elapsedMs < responseTimeThresholdMs;
    return {
      healthy,
      ...(healthy ? {} : { slow: true }),
      data: {
        response_time: seconds(elapsedMs),
        connected_clients: Number(info.get('connected_clients') ?? 0),
        used_memory_human: info.get('used_memory_human') ?? '0B',
        ...(healthy
          ? {}
          : {
              error: `response time ${Math.round(elapsedMs)} ms is not below ${responseTimeThresholdMs} ms`,
            }),
        details: healthy ? 'Cache connectivity OK' : 'Cache is slow',
      },
    };
  }
}

function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#'))
      fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

import { performance } from 'node:perf_hooks';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
} from '@opentelemetry/instrumentation';
import { isHealthProbe } from '../../core/health-probe-context';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../../core/package-info';
import { chainPatch, chainUnpatch } from '../chain-patch';
import type { CacheRecord } from '../../sdk/running-sdk';

const proto = (redis: RedisClass) =>
  redis.prototype as unknown as Record<string, unknown>;

type SendCommand = (
  this: unknown,
  command: { name?: unknown; promise?: unknown },
  ...rest: unknown[]
) => unknown;
interface RedisClass {
  prototype: { sendCommand: SendCommand };
}

/**
 * Counts and times every ioredis command for `prs_cache_operations_total{command,status}`
 * and `prs_cache_operation_duration_seconds{command}`. Only the command name is read;
 * keys and values never leave the client. The health checks' own commands are not counted.
 */
export class IORedisMetricsInstrumentation extends InstrumentationBase {
  constructor(private readonly onCommand: (record: CacheRecord) => void) {
    super(`${PACKAGE_NAME}/ioredis-metrics`, PACKAGE_VERSION, {});
  }

  protected init() {
    const redisClass = (
      exports: RedisClass & { default?: RedisClass },
    ): RedisClass =>
      typeof exports.prototype?.sendCommand === 'function'
        ? exports
        : (exports.default ?? exports);
    return [
      new InstrumentationNodeModuleDefinition(
        'ioredis',
        ['>=2.0.0 <7'],
        (exports: RedisClass & { default?: RedisClass }) => {
          chainPatch<SendCommand>(
            proto(redisClass(exports)),
            'sendCommand',
            (original) => this.wrapSendCommand(original),
          );
          return exports;
        },
        (exports: RedisClass & { default?: RedisClass }) => {
          chainUnpatch(proto(redisClass(exports)), 'sendCommand');
        },
      ),
    ];
  }

  private wrapSendCommand(original: SendCommand): SendCommand {
    const onCommand = this.onCommand;
    return function sendCommand(this: unknown, command, ...rest) {
      if (isHealthProbe()) return original.call(this, command, ...rest);
      const start = performance.now();
      const result = original.call(this, command, ...rest);
      const name =
        typeof command?.name === 'string'
          ? command.name.slice(0, 32).toLowerCase()
          : 'unknown';
      const promise = command?.promise as Promise<unknown> | undefined;
      if (promise && typeof promise.then === 'function') {
        const report = (status: CacheRecord['status']) => {
          try {
            onCommand({
              command: name,
              status,
              seconds: (performance.now() - start) / 1000,
            });
          } catch {
            // Metrics must never change what the command does.
          }
        };
        promise.then(
          () => report('success'),
          () => report('error'),
        );
      }
      return result;
    };
  }
}

import { performance } from 'node:perf_hooks';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
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
 * What ioredis sends by itself while a connection is being set up (status `connect`,
 * before `ready`): AUTH or HELLO, SELECT, CLIENT SETNAME/SETINFO, READONLY and the INFO
 * ready check. ioredis 6 lists the same names as its `HANDSHAKE_COMMANDS`.
 */
const HANDSHAKE = new Set([
  'auth',
  'hello',
  'select',
  'client',
  'readonly',
  'info',
]);

/**
 * Counts and times every ioredis command for `prs_cache_operations_total{command,status}`
 * and `prs_cache_operation_duration_seconds{command}`. Only the command name is read;
 * keys and values never leave the client.
 *
 * Not counted, and not traced: the connection handshake, which is the client's doing,
 * not the app's cache traffic (Redis < 7.2 refuses ioredis' CLIENT SETINFO, which
 * would read as two errors per connect). A command queued while the client was
 * connecting reaches `sendCommand` a second time when ioredis replays its offline
 * queue; it counts once, and the replay makes no second span. The health checks' own
 * commands are not counted either.
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
    const seen = new WeakSet<object>();
    return function sendCommand(this: unknown, command, ...rest) {
      if (isHealthProbe()) {
        // Remembered, so that its replay from the offline queue is not counted either.
        if (typeof command === 'object' && command !== null) seen.add(command);
        return original.call(this, command, ...rest);
      }
      const name =
        typeof command?.name === 'string'
          ? command.name.slice(0, 32).toLowerCase()
          : 'unknown';
      const connecting = (this as { status?: unknown }).status === 'connect';
      const replayed = typeof command === 'object' && seen.has(command);
      if ((connecting && HANDSHAKE.has(name)) || replayed)
        return context.with(suppressTracing(context.active()), () =>
          original.call(this, command, ...rest),
        );
      if (typeof command === 'object' && command !== null) seen.add(command);
      const start = performance.now();
      const result = original.call(this, command, ...rest);
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

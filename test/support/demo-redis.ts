import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { waitFor } from './private-services';

/** A redis-server on a port the test chose, so it can be stopped and started again. */
export interface RestartableRedis {
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function redisOn(port: number): RestartableRedis {
  let child: ReturnType<typeof spawn> | undefined;
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null)
      return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5_000);
      running.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      running.kill('SIGKILL');
    });
  };
  return {
    port,
    stop,
    async start() {
      child = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
        ],
        { stdio: 'ignore' },
      );
      try {
        await waitFor(
          () => ping(port),
          10_000,
          `redis-server on ${port} did not answer PING`,
        );
      } catch (error) {
        await stop();
        throw error;
      }
    },
  };
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const timer = setTimeout(() => finish(false), 500);
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    socket.on('error', () => finish(false));
    socket.on('data', (data: Buffer) =>
      finish(data.toString().startsWith('+PONG')),
    );
    socket.write('PING\r\n');
  });
}

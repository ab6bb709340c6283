import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A private redis-server the test owns and may stop or freeze. */
export interface PrivateRedis {
  port: number;
  /** SIGSTOP: the process keeps its sockets open but answers nothing. */
  freeze(): void;
  /** SIGCONT after freeze(). */
  thaw(): void;
  /** SIGKILL and wait for the exit (idempotent). */
  stop(): Promise<void>;
}

/** Starts `redis-server --port <free> --save '' --appendonly no` and waits until it answers PING. */
export async function startRedis(): Promise<PrivateRedis> {
  const port = await closedPort();
  const child = await spawnRedis(port);
  return {
    port,
    freeze: () => child.kill('SIGSTOP'),
    thaw: () => child.kill('SIGCONT'),
    stop: () => stopChild(child),
  };
}

/** A redis-server on a port the test chose, so it can be stopped and started again. */
export interface RestartableRedis {
  port: number;
  start(): Promise<void>;
  /** SIGKILL and wait for the exit (idempotent). */
  stop(): Promise<void>;
}

export function redisOn(port: number): RestartableRedis {
  let child: ChildProcess | undefined;
  return {
    port,
    async start() {
      child = await spawnRedis(port);
    },
    stop() {
      const running = child;
      child = undefined;
      return running ? stopChild(running) : Promise.resolve();
    },
  };
}

/** A throwaway redis-server on `port` (nothing saved), once it answers PING. */
async function spawnRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
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
    await stopChild(child);
    throw error;
  }
  return child;
}

export interface HangingServer {
  port: number;
  /** Connections accepted so far. */
  accepted(): number;
  close(): Promise<void>;
}

export async function startHangingServer(): Promise<HangingServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  return {
    port,
    accepted: () => accepted,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A minimal SMTP server: greets, answers EHLO/HELO/NOOP/RSET with 250 and QUIT with 221. */
export async function startFakeSmtp(): Promise<{
  port: number;
  close(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    socket.write('220 fake.smtp ESMTP ready\r\n');
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) !== -1) {
        const verb = buffer.slice(0, end).split(' ')[0]?.toUpperCase();
        buffer = buffer.slice(end + 2);
        if (verb === 'QUIT') socket.end('221 bye\r\n');
        else if (verb === 'EHLO')
          socket.write('250-fake.smtp\r\n250 8BITMIME\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  });
  const port = await listen(server);
  return {
    port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A minimal S3 endpoint (path style): HEAD /<bucket> is 200 for `bucket`, 404 otherwise. */
export async function startFakeS3(
  bucket: string,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = createHttpServer((req, res) => {
    const name = (req.url ?? '/').split('?')[0]?.replace(/^\/|\/$/g, '');
    res.writeHead(req.method === 'HEAD' && name === bucket ? 200 : 404, {
      'content-length': 0,
    });
    res.end();
  });
  const port = await listen(server);
  return {
    port,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls `probe` every 50 ms until it resolves true; rejects with `message` after `timeoutMs`. */
export async function waitFor(
  probe: () => Promise<boolean>,
  timeoutMs: number,
  message: string,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(message);
}

function listen(
  server: Server | ReturnType<typeof createHttpServer>,
): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve((server.address() as { port: number }).port),
    );
  });
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

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    // A frozen process must be continued for some signals; SIGKILL needs no cooperation.
    child.kill('SIGKILL');
  });
}

import { connect, createServer, type Server } from 'node:net';
import {
  isPeerRecord,
  MAX_SNAPSHOT_BYTES,
  type PeerRecord,
} from './peer-files';

/** What a peer sends to ask for a fresh snapshot. */
const COLLECT = 'collect\n';
/** A connection that has not asked within this long is closed. */
const REQUEST_TIMEOUT_MS = 5_000;
/** Connections one instance serves at once; more are closed at once (the asker uses the file). */
const MAX_CONNECTIONS = 64;

/**
 * Listens on `path` (a Unix socket in the group directory) and answers each connection
 * that writes `collect\n` with `answer()`'s JSON, then closes it.
 */
export async function listenForPeers(
  path: string,
  answer: () => Promise<string>,
): Promise<Server> {
  const server = createServer((socket) => {
    socket.setTimeout(REQUEST_TIMEOUT_MS, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    let asked = '';
    socket.on('data', (chunk: Buffer) => {
      asked += chunk.toString('latin1');
      if (asked.length > COLLECT.length) {
        socket.destroy();
        return;
      }
      if (asked !== COLLECT) return;
      answer().then(
        (body) => socket.end(body),
        () => socket.destroy(),
      );
    });
  });
  server.maxConnections = MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.unref();
  return server;
}

/**
 * Asks the peer listening on `path` for a fresh snapshot: its record; `'gone'` when nothing
 * listens there (the peer is shutting down or has exited); `undefined` when it does not
 * answer a valid one within `timeoutMs` (stopped, busy) or the answer is too large.
 */
export function askPeer(
  path: string,
  timeoutMs: number,
): Promise<PeerRecord | 'gone' | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const socket = connect(path);
    const finish = (record: PeerRecord | 'gone' | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(record);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    socket.on('connect', () => socket.write(COLLECT));
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_SNAPSHOT_BYTES) return finish(undefined);
      chunks.push(chunk);
    });
    socket.on('end', () => {
      try {
        const record = JSON.parse(
          Buffer.concat(chunks).toString('utf8'),
        ) as unknown;
        finish(isPeerRecord(record) ? record : undefined);
      } catch {
        finish(undefined);
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) =>
      finish(
        error.code === 'ECONNREFUSED' || error.code === 'ENOENT'
          ? 'gone'
          : undefined,
      ),
    );
  });
}

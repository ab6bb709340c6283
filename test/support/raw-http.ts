import { connect } from 'node:net';

/** A response read off a raw socket. */
export interface RawResponse {
  status: number;
  /** Header lines exactly as received (name and value, not folded or decoded). */
  headerLines: string[];
  /** Lower-cased name → values. */
  headers: Map<string, string[]>;
}

/**
 * Sends `head` (request line and header lines, no trailing CRLF; `Connection: close`
 * is appended) as raw
 * bytes, so malformed headers that `fetch` refuses to send reach the server, and
 * parses the response head. Gives up after `timeoutMs`.
 */
export function rawExchange(
  port: number,
  head: Buffer | string,
  timeoutMs = 5_000,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('raw request timed out'));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined); // a reset after the response is fine
    socket.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(parseHead(Buffer.concat(chunks).toString('latin1')));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    const bytes = typeof head === 'string' ? Buffer.from(head, 'latin1') : head;
    socket.end(
      Buffer.concat([bytes, Buffer.from('\r\nConnection: close\r\n\r\n')]),
    );
  });
}

function parseHead(text: string): RawResponse {
  const end = text.indexOf('\r\n\r\n');
  const [statusLine = '', ...headerLines] = text
    .slice(0, end === -1 ? text.length : end)
    .split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!match)
    throw new Error(`no HTTP response: ${JSON.stringify(text.slice(0, 200))}`);
  const headers = new Map<string, string[]>();
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    headers.set(name, [
      ...(headers.get(name) ?? []),
      line.slice(colon + 1).trim(),
    ]);
  }
  return { status: Number(match[1]), headerLines, headers };
}

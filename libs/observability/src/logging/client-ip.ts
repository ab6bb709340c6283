import { BlockList, isIP } from 'node:net';

/** Resolves `request.ip` from the socket peer and `X-Forwarded-For`. */
export type ClientIpResolver = (
  remoteAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
) => string | undefined;

const PRESETS: Record<string, readonly string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
};
// More hops than any real proxy chain; bounds the work a forged header can cause.
const MAX_HOPS = 32;

/** Whether `entry` is an address, a CIDR range or a preset name `trustProxy` accepts. */
export function isTrustEntry(entry: unknown): boolean {
  if (typeof entry !== 'string') return false;
  if (entry in PRESETS) return true;
  const [address = '', bits, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  const prefix = Number(bits);
  return /^\d{1,3}$/.test(bits) && prefix <= (family === 4 ? 32 : 128);
}

/**
 * Builds the resolver for a validated `trustProxy` setting. The guide's
 * "first X-Forwarded-For entry" is what any client can forge; here an entry is used
 * only when every hop to its right is trusted.
 */
export function createClientIpResolver(
  trustProxy: boolean | number | string[],
): ClientIpResolver {
  return lastAnswerKept(resolverFor(trustProxy));
}

/**
 * `resolve`, answering a call with the same arguments as the last one from memory:
 * a client's connection sends many requests (same peer, same header text).
 */
function lastAnswerKept(resolve: ClientIpResolver): ClientIpResolver {
  let remote: string | undefined;
  let forwardedFor: string | string[] | undefined;
  let answer: string | undefined;
  let known = false;
  return (r, f) => {
    // Arrays are compared by identity: a new one is resolved anew.
    if (known && r === remote && f === forwardedFor) return answer;
    answer = resolve(r, f);
    remote = r;
    forwardedFor = f;
    known = true;
    return answer;
  };
}

function resolverFor(
  trustProxy: boolean | number | string[],
): ClientIpResolver {
  if (trustProxy === false || trustProxy === 0)
    return (remote) => normalize(remote);
  let trusted: (address: string, index: number) => boolean;
  if (trustProxy === true) trusted = () => true;
  else if (typeof trustProxy === 'number') trusted = (_a, i) => i < trustProxy;
  else {
    const list = blockListOf(trustProxy);
    trusted = (address) =>
      list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
  }
  return (remote, forwardedFor) => {
    let current = normalize(remote);
    if (current === undefined) return undefined;
    const hops = hopsOf(forwardedFor);
    for (let i = 0; i < hops.length; i++) {
      if (!trusted(current, i)) return current;
      const next = normalize(hops[i]);
      if (next === undefined) return current;
      current = next;
    }
    return current;
  };
}

/** `X-Forwarded-For` entries, nearest proxy first, at most {@link MAX_HOPS}. */
function hopsOf(header: string | string[] | undefined): string[] {
  if (header === undefined) return [];
  const text = Array.isArray(header) ? header.join(',') : header;
  // Only the right-hand end can matter, however long the header is.
  const parts = (text.length > 2048 ? text.slice(-2048) : text).split(',');
  if (text.length > 2048) parts.shift(); // cut mid-entry
  return parts
    .reverse()
    .slice(0, MAX_HOPS)
    .map((s) => s.trim());
}

function normalize(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  const bare =
    address.startsWith('::ffff:') && isIP(address.slice(7)) === 4
      ? address.slice(7)
      : address;
  return isIP(bare) === 0 ? undefined : bare;
}

function blockListOf(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries.flatMap((e) => PRESETS[e] ?? [e])) {
    const [address = '', bits] = entry.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return list;
}

import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

// A deliberately cheap scrypt cost: the traffic generator logs in many times a second on
// a small machine. A real service keeps Node's default (N = 16384) or higher.
const COST = 1024;
const KEY_LENGTH = 32;

/** `scrypt$<N>$<salt>$<hash>` (hex), for storage. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, COST);
  return `scrypt$${COST}$${salt.toString('hex')}$${key.toString('hex')}`;
}

/** Whether `password` matches `stored`; compares in constant time. Never throws. */
export async function verifyPassword(
  password: string,
  stored: string,
): Promise<boolean> {
  const [scheme, cost, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !cost || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'hex');
  const actual = await derive(password, Buffer.from(salt, 'hex'), Number(cost));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

function derive(password: string, salt: Buffer, cost: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LENGTH, { N: cost }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

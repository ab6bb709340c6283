/** Register index bits: 2^12 = 4,096 one-byte registers, standard error 1.04/√4096 ≈ 1.6%. */
export const HLL_PRECISION = 12;
/** Registers per sketch. */
export const HLL_REGISTERS = 1 << HLL_PRECISION;

const MAX_RANK = 32 - HLL_PRECISION + 1;
const ALPHA = 0.7213 / (1 + 1.079 / HLL_REGISTERS);
const TWO_32 = 2 ** 32;

/** 32-bit FNV-1a with MurmurHash3's finalizer, so every output bit depends on every input bit. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Adds one 32-bit hash to HyperLogLog `registers`. */
export function hllAdd(registers: Uint8Array, hash: number): void {
  const index = hash >>> (32 - HLL_PRECISION);
  const rank = Math.min(Math.clz32(hash << HLL_PRECISION) + 1, MAX_RANK);
  if (rank > (registers[index] ?? 0)) registers[index] = rank;
}

/** Estimated distinct count of HyperLogLog `registers` (Flajolet et al., with small- and large-range corrections). */
export function hllEstimate(registers: Uint8Array): number {
  let sum = 0;
  let zeros = 0;
  for (const rank of registers) {
    sum += 2 ** -rank;
    if (rank === 0) zeros++;
  }
  const raw = (ALPHA * HLL_REGISTERS * HLL_REGISTERS) / sum;
  if (raw <= 2.5 * HLL_REGISTERS && zeros > 0) {
    return HLL_REGISTERS * Math.log(HLL_REGISTERS / zeros);
  }
  if (raw > TWO_32 / 30) return -TWO_32 * Math.log(1 - raw / TWO_32);
  return raw;
}

/** Merges `other` into `into` register-wise (max): the sketch of the union of both sets. */
export function hllMerge(into: Uint8Array, other: ArrayLike<number>): void {
  for (let i = 0; i < HLL_REGISTERS; i++) {
    const rank = other[i] ?? 0;
    if (rank > (into[i] as number)) into[i] = rank;
  }
}

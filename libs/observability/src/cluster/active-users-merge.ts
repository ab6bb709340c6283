import {
  HLL_REGISTERS,
  hash32,
  hllAdd,
  hllEstimate,
  hllMerge,
} from '../active-users/hyper-log-log';
import type { ActiveUsersShare } from '../metrics/cluster-protocol';

/**
 * Distinct users across workers: the exact size of the union while every worker sent its
 * ids; otherwise the HyperLogLog estimate of the union (ids hashed into registers, sketches
 * merged register-wise), about 1.6% standard error. `undefined` when no worker shared.
 */
export function mergeActiveUsers(
  shares: readonly ActiveUsersShare[],
): number | undefined {
  if (shares.length === 0) return undefined;
  if (shares.every((share) => 'ids' in share)) {
    const union = new Set<string>();
    for (const share of shares) for (const id of share.ids) union.add(id);
    return union.size;
  }
  const registers = new Uint8Array(HLL_REGISTERS);
  for (const share of shares) {
    if ('ids' in share)
      for (const id of share.ids) hllAdd(registers, hash32(id));
    else hllMerge(registers, share.registers);
  }
  return Math.round(hllEstimate(registers));
}

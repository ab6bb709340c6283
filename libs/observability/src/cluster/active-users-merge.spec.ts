import { HLL_REGISTERS, hash32, hllAdd } from '../active-users/hyper-log-log';
import { mergeActiveUsers } from './active-users-merge';

const ids = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `user-${from + i}`);

const sketchOf = (list: string[]): number[] => {
  const registers = new Uint8Array(HLL_REGISTERS);
  for (const id of list) hllAdd(registers, hash32(id));
  return Array.from(registers);
};

describe('mergeActiveUsers', () => {
  it('is undefined when no worker shared', () => {
    expect(mergeActiveUsers([])).toBeUndefined();
  });

  it('counts the union of exact id sets exactly', () => {
    expect(
      mergeActiveUsers([
        { ids: ids(0, 600) },
        { ids: ids(300, 900) },
        { ids: [] },
      ]),
    ).toBe(900);
  });

  it('merges sketches register-wise: overlapping users count once, within 3 standard errors', () => {
    const estimate = mergeActiveUsers([
      { registers: sketchOf(ids(0, 30_000)) },
      { registers: sketchOf(ids(20_000, 50_000)) },
      { ids: ids(45_000, 60_000) },
    ]) as number;
    // 1.04 / sqrt(4096) ≈ 1.6% standard error.
    expect(Math.abs(estimate - 60_000) / 60_000).toBeLessThan(0.05);
  });
});

import { isoTimestamp } from './log-channels';

describe('isoTimestamp', () => {
  it('writes exactly `Date#toISOString()`, across seconds, days, years and the epoch', () => {
    let now = 0;
    const timestamp = isoTimestamp(() => now);
    const times = [
      ...Array.from({ length: 5_000 }, (_, i) => 1_733_461_234_000 + i * 7),
      ...Array.from({ length: 2_000 }, (_, i) => i * 999),
      ...Array.from({ length: 2_000 }, (_, i) => -5_000 + i * 3),
      ...Array.from({ length: 2_000 }, () =>
        Math.floor(Math.random() * 253_402_300_799_999),
      ),
      1_733_529_599_999,
      1_733_529_600_000,
      951_782_399_999,
      951_782_400_000,
      253_402_300_799_999,
      253_402_300_800_000,
      1_733_461_234_567,
      1_733_461_234_567,
    ];
    const differing = times.filter((t) => {
      now = t;
      return timestamp() !== `,"timestamp":"${new Date(t).toISOString()}"`;
    });
    expect(differing).toEqual([]);
  });
});

import { ActiveUserWindow } from './active-user-window';

const MINUTE = 60_000;
const WINDOW = 30 * MINUTE;

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('ActiveUserWindow', () => {
  it('counts N distinct users in the window as N, repeats once', () => {
    const time = clock();
    const window = new ActiveUserWindow(WINDOW, 10_000, time.now);
    for (let i = 0; i < 25; i++) {
      window.touch(`u${i}`);
      window.touch(`u${i % 5}`);
    }
    expect(window.count()).toBe(25);
    expect(window.approximate).toBe(false);
  });

  it('drops users whose last request is windowMs old, and keeps those who came back', () => {
    const time = clock();
    const window = new ActiveUserWindow(WINDOW, 10_000, time.now);
    window.touch('alice');
    window.touch('bob');
    time.advance(20 * MINUTE);
    window.touch('carol');
    window.touch('alice'); // alice's last request is now 20 minutes in
    time.advance(10 * MINUTE - 1);
    expect(window.count()).toBe(3);
    time.advance(1); // bob: exactly 30 minutes
    expect(window.count()).toBe(2);
    time.advance(20 * MINUTE);
    expect(window.count()).toBe(0);
    window.touch('dave');
    expect(window.count()).toBe(1);
  });

  it('ignores nothing but time: 0 with no users', () => {
    expect(new ActiveUserWindow(WINDOW, 10, clock().now).count()).toBe(0);
  });

  it('past maxTracked: keeps at most maxTracked ids and estimates within 5%', () => {
    const time = clock();
    const window = new ActiveUserWindow(WINDOW, 1_000, time.now);
    for (let i = 0; i < 20_000; i++) {
      window.touch(`user-${i}`);
      if (i % 100 === 0) time.advance(1_000);
    }
    expect(window.approximate).toBe(true);
    const tracked = (window as unknown as { lastSeen: Map<string, number> })
      .lastSeen.size;
    expect(tracked).toBeLessThanOrEqual(1_000);
    expect(tracked).toBeGreaterThanOrEqual(900);
    expect(Math.abs(window.count() - 20_000) / 20_000).toBeLessThan(0.05);
  });

  it('while estimating, users still leave the window (to 1/30 of it)', () => {
    const time = clock();
    const window = new ActiveUserWindow(WINDOW, 100, time.now);
    for (let i = 0; i < 2_000; i++) window.touch(`early-${i}`);
    time.advance(20 * MINUTE);
    for (let i = 0; i < 1_000; i++) window.touch(`late-${i}`);
    expect(Math.abs(window.count() - 3_000) / 3_000).toBeLessThan(0.05);
    time.advance(11 * MINUTE); // the early ones are 31 minutes old
    expect(window.approximate).toBe(true);
    expect(Math.abs(window.count() - 1_000) / 1_000).toBeLessThan(0.05);
  });

  it('is exact again once every evicted user has aged out', () => {
    const time = clock();
    const window = new ActiveUserWindow(WINDOW, 100, time.now);
    for (let i = 0; i < 500; i++) window.touch(`early-${i}`);
    expect(window.approximate).toBe(true);
    time.advance(WINDOW);
    for (let i = 0; i < 40; i++) window.touch(`late-${i}`);
    expect(window.approximate).toBe(false);
    expect(window.count()).toBe(40);
    expect((window as unknown as { sketch?: unknown }).sketch).toBeUndefined();
  });
});

describe('ActiveUserWindow.share', () => {
  it('shares the ids in the window while exact and few, else HyperLogLog registers', () => {
    let now = 0;
    const window = new ActiveUserWindow(1_000, 100, () => now);
    window.touch('a');
    window.touch('b');
    now = 600;
    window.touch('c');
    expect(window.share(10)).toEqual({ ids: ['a', 'b', 'c'] });
    now = 1_200; // a and b left the window
    expect(window.share(10)).toEqual({ ids: ['c'] });
    const registers = window.share(0);
    expect('registers' in registers && registers.registers).toHaveLength(4096);
  });
});

import { Logger } from '@nestjs/common';
import { EventWarnings } from './event-warnings';

class CapturingLogger extends Logger {
  readonly lines: string[] = [];
  override warn(message: unknown): void {
    this.lines.push(String(message));
  }
}

describe('EventWarnings', () => {
  it('warns once per cause per interval', () => {
    const logger = new CapturingLogger();
    const warnings = new EventWarnings(logger, 60_000, 10);
    for (let i = 0; i < 3; i++) {
      warnings.warn('a', 'type a');
      warnings.warn('b', 'type b');
    }
    expect(logger.lines).toEqual(['type a', 'type b']);
  });

  it('remembers at most maxCauses: 2,000 causes (each twice) with a bound of 100 give 100 named lines and 1 summary', () => {
    const logger = new CapturingLogger();
    const warnings = new EventWarnings(logger, 60_000, 100);
    for (let round = 0; round < 2; round++)
      for (let i = 0; i < 2_000; i++) warnings.warn(`t${i}`, `type t${i}`);
    expect(logger.lines).toHaveLength(101);
    expect(logger.lines[100]).toBe(
      'type t100 (more than 100 distinct causes within a minute: further ones are summed up in one line a minute)',
    );
  });

  it('the next summary line counts the warnings left unnamed', () => {
    const logger = new CapturingLogger();
    let now = 0;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      const warnings = new EventWarnings(logger, 1_000, 1);
      warnings.warn('a', 'type a');
      now = 10;
      for (let i = 0; i < 5; i++) warnings.warn(`t${i}`, `type t${i}`);
      now = 20; // 'a' is still remembered: the bound holds
      warnings.warn('late', 'type late');
      expect(logger.lines).toEqual([
        'type a',
        'type t0 (more than 1 distinct causes within a minute: further ones are summed up in one line a minute)',
      ]);
      now = 1_500; // a minute (here: a second) later 'a' is forgotten, so 'next' is named
      warnings.warn('next', 'type next');
      warnings.warn('other', 'type other');
      expect(logger.lines.slice(2)).toEqual([
        'type next',
        'type other (more than 1 distinct causes within a minute: 5 more warnings were left unnamed since the last such line)',
      ]);
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('forgets causes older than the interval before it stops naming new ones', () => {
    const logger = new CapturingLogger();
    const warnings = new EventWarnings(logger, 0, 2);
    for (let i = 0; i < 5; i++) warnings.warn(`t${i}`, `type t${i}`);
    expect(logger.lines).toEqual([
      'type t0',
      'type t1',
      'type t2',
      'type t3',
      'type t4',
    ]);
  });
});

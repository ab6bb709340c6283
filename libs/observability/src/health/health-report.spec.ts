import type { CheckOutcome } from './check-outcome';
import {
  allHealthy,
  checkEntry,
  externalEntry,
  readinessEntry,
} from './health-report';

const up: CheckOutcome = {
  healthy: true,
  slow: false,
  data: { response_time: 0.01, details: 'ok' },
  durationMs: 10,
};
const down: CheckOutcome = {
  healthy: false,
  slow: false,
  data: { error: 'timeout after 10 ms', details: 'failed' },
  durationMs: 10,
};

describe('health report entries', () => {
  it('shows the flag alone, or the flag with details', () => {
    expect(checkEntry(down, false)).toEqual({ healthy: false });
    expect(checkEntry(down, true)).toEqual({
      healthy: false,
      error: 'timeout after 10 ms',
      details: 'failed',
    });
  });

  it('fails readiness only for a failed check; a slow one is ready and says slow', () => {
    const slow: CheckOutcome = {
      healthy: false,
      slow: true,
      data: { response_time: 0.25, details: 'Cache is slow' },
      durationMs: 250,
    };
    expect(checkEntry(slow, false)).toEqual({ healthy: false, slow: true });
    expect(readinessEntry(slow, false)).toEqual({ healthy: true, slow: true });
    expect(readinessEntry(slow, true)).toEqual({
      healthy: true,
      slow: true,
      response_time: 0.25,
      details: 'Cache is slow',
    });
    expect(readinessEntry(down, false)).toEqual({ healthy: false });
    expect(readinessEntry(up, false)).toEqual({ healthy: true });
  });

  it('groups external services as the guide does', () => {
    expect(externalEntry({}, true)).toEqual({
      healthy: true,
      services: {},
      details: 'Checked 0 external services',
    });
    expect(externalEntry({ email: up, s3: down }, false)).toEqual({
      healthy: false,
      services: { email: true, s3: false },
    });
    expect(externalEntry({ email: up, s3: down }, true)).toEqual({
      healthy: false,
      services: { email: true, s3: false },
      errors: { s3: 'timeout after 10 ms' },
      details: 'Checked 2 external services',
    });
    expect(externalEntry({ email: up }, true)).toEqual({
      healthy: true,
      services: { email: true },
      details: 'Checked 1 external service',
    });
  });

  it('is healthy only when every check is', () => {
    expect(allHealthy({ a: { healthy: true }, b: { healthy: false } })).toBe(
      false,
    );
    expect(allHealthy({})).toBe(true);
  });
});

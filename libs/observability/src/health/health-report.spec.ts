import type { CheckOutcome } from './check-outcome';
import { allHealthy, checkEntry, externalEntry } from './health-report';

const up: CheckOutcome = {
  healthy: true,
  data: { response_time: 0.01, details: 'ok' },
  durationMs: 10,
};
const down: CheckOutcome = {
  healthy: false,
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

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObservabilityConfigError } from '../core/observability-config.error';
import { PM2_ENV, pm2GroupSettings } from './pm2-settings';

const PM2_CLUSTER = { exec_mode: 'cluster_mode', pm_id: '3', name: 'shop api' };

describe('pm2GroupSettings', () => {
  it('is off outside PM2 cluster mode (fork mode, plain node)', () => {
    expect(pm2GroupSettings({})).toBeUndefined();
    expect(
      pm2GroupSettings({ exec_mode: 'fork_mode', pm_id: '0' }),
    ).toBeUndefined();
  });

  it('applies the documented defaults in PM2 cluster mode', () => {
    expect(pm2GroupSettings(PM2_CLUSTER)).toEqual({
      dir: join(tmpdir(), `prs-pm2-${process.getuid?.() ?? 0}-shop_api`),
      label: '3',
      collectTimeoutMs: 1000,
      pushIntervalMs: 5000,
      workerLabel: false,
    });
  });

  it('reads its JSON settings, and can be turned off', () => {
    const settings = pm2GroupSettings({
      ...PM2_CLUSTER,
      [PM2_ENV]: JSON.stringify({
        dir: '/var/run/prs',
        collectTimeoutMs: 250,
        workerLabel: true,
      }),
    });
    expect(settings).toMatchObject({
      dir: '/var/run/prs',
      collectTimeoutMs: 250,
      workerLabel: true,
    });
    expect(
      pm2GroupSettings({
        ...PM2_CLUSTER,
        [PM2_ENV]: '{"enabled":false}',
      }),
    ).toBeUndefined();
  });

  it('reports every problem at once', () => {
    const run = () =>
      pm2GroupSettings({
        ...PM2_CLUSTER,
        [PM2_ENV]: JSON.stringify({
          dir: `/${'d'.repeat(120)}`,
          collectTimeoutMs: 5,
          pushIntervalMs: 'often',
          port: 9464,
        }),
      });
    expect(run).toThrow(ObservabilityConfigError);
    expect(run).toThrow(
      'PM2 cluster metrics validation error (4 problems):\n' +
        '  - PRS_OBSERVABILITY_PM2.port: unknown option (known: enabled, dir, collectTimeoutMs, pushIntervalMs, workerLabel)\n' +
        '  - PRS_OBSERVABILITY_PM2.collectTimeoutMs: must be an integer from 10 to 60000 (got 5)\n' +
        '  - PRS_OBSERVABILITY_PM2.pushIntervalMs: must be an integer from 100 to 3600000 (got "often")\n' +
        '  - PRS_OBSERVABILITY_PM2.dir: must be short enough for a Unix socket path (at most 94 characters; got 121)',
    );
    expect(() =>
      pm2GroupSettings({ ...PM2_CLUSTER, [PM2_ENV]: '{oops' }),
    ).toThrow(
      'PRS_OBSERVABILITY_PM2: must be a JSON object (it does not parse)',
    );
  });
});

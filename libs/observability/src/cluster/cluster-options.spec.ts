import { ObservabilityConfigError } from '../core/observability-config.error';
import {
  CLUSTER_ENV,
  clusterSettingsFromEnv,
} from '../metrics/cluster-protocol';
import { resolveClusterMetricsOptions } from './cluster-options';

describe('resolveClusterMetricsOptions', () => {
  it('applies the documented defaults', () => {
    expect(resolveClusterMetricsOptions(undefined)).toEqual({
      port: undefined,
      host: '127.0.0.1',
      path: '/metrics',
      auth: undefined,
      collectTimeoutMs: 1000,
      pushIntervalMs: 5000,
      workerLabel: false,
      prefix: 'prs',
    });
  });

  it('lists every problem in one ObservabilityConfigError, never echoing a secret', () => {
    let error: unknown;
    try {
      resolveClusterMetricsOptions({
        port: 70_000,
        collectTimeoutMs: 0,
        workerLabel: 'yes',
        prefix: '9x',
        auth: { bearerToken: '', username: 'u' },
        colour: 'blue',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ObservabilityConfigError);
    const paths = (error as ObservabilityConfigError).problems.map(
      (p) => p.path,
    );
    expect(paths).toEqual(
      expect.arrayContaining([
        'cluster.port',
        'cluster.collectTimeoutMs',
        'cluster.workerLabel',
        'cluster.prefix',
        'cluster.auth.bearerToken',
        'cluster.auth',
        'cluster.colour',
      ]),
    );
  });
});

it('says what is wrong and what is expected, one line per problem', () => {
  expect(() =>
    resolveClusterMetricsOptions({
      port: 70_000,
      collectTimeoutMs: 0,
      auth: { bearerToken: '' },
    }),
  ).toThrow(
    'startClusterMetrics validation error (3 problems):\n' +
      '  - cluster.port: must be an integer from 0 to 65535 (got 70000)\n' +
      '  - cluster.auth.bearerToken: must be a non-empty string\n' +
      '  - cluster.collectTimeoutMs: must be an integer from 10 to 60000 (got 0)',
  );
});

describe('clusterSettingsFromEnv', () => {
  it('reads the settings the primary left in the environment, and ignores garbage', () => {
    expect(
      clusterSettingsFromEnv({
        [CLUSTER_ENV]: '{"collectTimeoutMs":1000,"pushIntervalMs":5000}',
      }),
    ).toEqual({ collectTimeoutMs: 1000, pushIntervalMs: 5000 });
    expect(clusterSettingsFromEnv({})).toBeUndefined();
    expect(clusterSettingsFromEnv({ [CLUSTER_ENV]: '{' })).toBeUndefined();
    expect(clusterSettingsFromEnv({ [CLUSTER_ENV]: '{}' })).toBeUndefined();
  });
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import { dump } from 'js-yaml';
import { REPO_ROOT, expectSuccess, run, withTempDir } from './deploy-tools';

/** `prs-observability slo-rules` as a user runs it: errors, --buckets, --check. */
const CLI = path.join(
  REPO_ROOT,
  'libs',
  'observability',
  'dist',
  'cli',
  'main.js',
);

function cli(args: string[], cwd: string) {
  return run(process.execPath, [CLI, ...args], { cwd, timeoutMs: 60_000 });
}

describe('prs-observability slo-rules', () => {
  it('rejects invalid objectives with one message listing every problem, and writes nothing', () => {
    withTempDir((dir) => {
      const config = path.join(dir, 'slos.yaml');
      fs.writeFileSync(
        config,
        dump({
          service: 'prs-backend',
          objectives: [
            {
              name: 'slow',
              kind: 'latency',
              objective: 99,
              threshold: 0.3,
              route: 'GET /api/deals/:id',
            },
            { name: 'perfect', kind: 'availability', objective: 100 },
            {
              name: 'perfect',
              kind: 'availability',
              objective: 99.9,
              route: 'deals',
            },
          ],
        }),
      );
      const result = cli(
        ['slo-rules', '--config', 'slos.yaml', '--rules-dir', 'out'],
        dir,
      );
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(
        'Service level objectives in slos.yaml validation error (4 problems):\n' +
          '  - objectives[0].threshold: 0.3 s is not a bucket bound of prs_http_request_duration_seconds, ' +
          'so the share of requests under it cannot be measured; the nearest bounds are 0.25 or 0.5 (or add it to http.durationBuckets)\n' +
          '  - objectives[1].objective: must be a percentage above 0 and below 100, e.g. 99.9 (got 100): ' +
          'a 100 % objective leaves no error budget to alert on\n' +
          '  - objectives[2].route: must be "METHOD /route/template" as the method and endpoint labels carry it, ' +
          'e.g. "GET /api/deals/:id" (got "deals")\n' +
          '  - objectives[2].name: duplicates the name "perfect"\n',
      );
      expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
    });
  });

  it('checks thresholds against --buckets, and --check reports stale files', () => {
    withTempDir((dir) => {
      const config = path.join(dir, 'slos.yaml');
      fs.writeFileSync(
        config,
        dump({
          service: 'api',
          objectives: [
            { name: 'fast', kind: 'latency', objective: 99, threshold: 0.3 },
          ],
        }),
      );
      const args = ['slo-rules', '--config', config, '--buckets', '0.1,0.3,1'];
      expect(cli([...args, '--check'], dir).stderr).toContain(
        'stale: prometheus/slo/api-fast.rules.yml',
      );
      expectSuccess(cli(args, dir));
      expectSuccess(cli([...args, '--check'], dir));
      expect(cli(['nope'], dir).stderr).toContain('unknown command: nope');
    });
  });
});

import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ObservabilityConfigError,
  type ConfigProblem,
} from '../core/observability-config.error';
import { DEFAULT_METRICS_OPTIONS } from '../metrics/validate-metrics-options';
import { readSloFile } from '../slo/slo-file';
import { sloFiles } from '../slo/slo-files';
import { resolveSloOptions } from '../slo/validate-slo-options';

/** Usage of `prs-observability slo-rules`. */
export const SLO_RULES_USAGE = `Usage: prs-observability slo-rules --config <slos.yaml> [options]

Generates Prometheus recording and alert rules, promtool test cases and a Grafana
dashboard from service level objectives (docs/slo.md).

  --config <file>          the objectives (YAML or JSON), as the slo module option takes them
  --rules-dir <dir>        rule files; tests go in <dir>/tests   (default: prometheus/slo)
  --dashboards-dir <dir>   the dashboard                         (default: grafana/dashboards/slo)
  --buckets <s,s,...>      http.durationBuckets of the app (default: the SDK's buckets)
  --grafana-url <url>      base URL of the alerts' dashboard link (default: http://localhost:3000)
  --scale <factor>         divide every window by <factor> (live tests only; no test cases)
  --check                  write nothing; exit 1 when a file differs from what would be generated

Checks every objective (bucket bounds, objectives below 100 %, names, windows). It
cannot check routes: only the app knows them; ObservabilityModule checks them at startup.`;

/** Runs the command; returns the exit code. Output goes to `out` and `err`. */
export function sloRulesCommand(
  argv: string[],
  out: (line: string) => void,
  err: (line: string) => void,
): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      'rules-dir': { type: 'string', default: 'prometheus/slo' },
      'dashboards-dir': { type: 'string', default: 'grafana/dashboards/slo' },
      buckets: { type: 'string' },
      'grafana-url': { type: 'string' },
      scale: { type: 'string', default: '1' },
      check: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    out(SLO_RULES_USAGE);
    return 0;
  }
  const problems: ConfigProblem[] = [];
  const scale = Number(values.scale);
  if (!(Number.isFinite(scale) && scale >= 1))
    problems.push({ path: '--scale', message: 'must be a number >= 1' });
  const buckets: readonly number[] =
    values.buckets === undefined
      ? DEFAULT_METRICS_OPTIONS.durationBuckets
      : values.buckets.split(',').map(Number);
  if (buckets.some((b) => !Number.isFinite(b) || b <= 0))
    problems.push({
      path: '--buckets',
      message: 'must be positive numbers of seconds, comma-separated',
    });
  if (values.config === undefined) {
    err(`--config is required\n\n${SLO_RULES_USAGE}`);
    return 2;
  }
  const slo = resolveSloOptions(
    readSloFile(values.config),
    buckets,
    problems,
    '',
  );
  if (problems.length > 0 || slo === undefined) {
    err(
      new ObservabilityConfigError(
        `Service level objectives in ${values.config}`,
        problems,
      ).message,
    );
    return 1;
  }
  const files = sloFiles(
    slo,
    {
      rulesDir: values['rules-dir'],
      dashboardsDir: values['dashboards-dir'],
    },
    { scale, grafanaUrl: values['grafana-url'] },
  );
  let stale = 0;
  for (const [file, content] of files) {
    const path = resolve(file);
    if (values.check) {
      if (!existsSync(path) || readFileSync(path, 'utf8') !== content) {
        err(`stale: ${file}`);
        stale++;
      }
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    out(`wrote ${file}`);
  }
  return stale > 0 ? 1 : 0;
}

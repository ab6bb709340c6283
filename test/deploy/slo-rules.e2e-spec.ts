import * as fs from 'node:fs';
import * as path from 'node:path';
import { dump } from 'js-yaml';
import { panelsOf, parseDashboard, type Dashboard } from './dashboards';
import {
  DEPLOY_DIR,
  PROMETHEUS_DIR,
  REPO_ROOT,
  expectSuccess,
  listFiles,
  readYaml,
  rel,
  run,
  withTempDir,
  type RuleFile,
  type RuleTestFile,
} from './deploy-tools';

/**
 * The demo's generated SLO files (npm run slo:rules): fresh, valid for promtool, their
 * generated `promtool test rules` cases pass and cover every alert tier, the dashboard
 * passes the same checks as the hand-written ones (the CLI's own checks: slo-cli.e2e-spec.ts).
 */
const SLO_DIR = path.join(PROMETHEUS_DIR, 'slo');
const SLO_TESTS_DIR = path.join(SLO_DIR, 'tests');
const SLO_DASHBOARDS_DIR = path.join(
  DEPLOY_DIR,
  'grafana',
  'dashboards',
  'slo',
);
const CLI = path.join(
  REPO_ROOT,
  'libs',
  'observability',
  'dist',
  'cli',
  'main.js',
);
const DEMO_SLOS = 'apps/demo/slos.yaml';
const ALERTS = ['SloErrorBudgetBurnPage', 'SloErrorBudgetBurnTicket'];

/** Runs `prs-observability` (built by npm run build:lib) with the pinned Node. */
function cli(args: string[], cwd = REPO_ROOT) {
  return run(process.execPath, [CLI, ...args], { cwd, timeoutMs: 60_000 });
}

/** Every file under `dir`, relative to it, sorted. */
function tree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((file) => fs.statSync(path.join(dir, file)).isFile())
    .map((file) => file.split(path.sep).join('/'))
    .sort();
}

const ruleFiles = listFiles(SLO_DIR, '.rules.yml');
const testFiles = listFiles(SLO_TESTS_DIR, '.test.yml');

describe('generated SLO files (npm run slo:rules)', () => {
  it('are what the generator makes from apps/demo/slos.yaml today, byte for byte', () => {
    withTempDir((dir) => {
      const result = cli(
        [
          'slo-rules',
          '--config',
          path.join(REPO_ROOT, DEMO_SLOS),
          '--rules-dir',
          'prometheus/slo',
          '--dashboards-dir',
          'grafana/dashboards/slo',
        ],
        dir,
      );
      expectSuccess(result);
      const stale: string[] = [];
      for (const [generated, checkedIn] of [
        [path.join(dir, 'prometheus', 'slo'), SLO_DIR],
        [path.join(dir, 'grafana', 'dashboards', 'slo'), SLO_DASHBOARDS_DIR],
      ] as const) {
        const names = [...new Set([...tree(generated), ...tree(checkedIn)])];
        for (const name of names) {
          const a = path.join(generated, name);
          const b = path.join(checkedIn, name);
          if (
            !fs.existsSync(a) ||
            !fs.existsSync(b) ||
            fs.readFileSync(a, 'utf8') !== fs.readFileSync(b, 'utf8')
          )
            stale.push(rel(b));
        }
      }
      if (stale.length > 0)
        throw new Error(
          `Generated SLO files are stale (differ, missing or extra):\n  ${stale.join('\n  ')}\n` +
            `Run \`npm run slo:rules\` after changing ${DEMO_SLOS} or the generator, and commit the result.`,
        );
    });
  });

  it('are loaded by prometheus.yml and mounted by docker compose', () => {
    const config = readYaml<{ rule_files: string[] }>(
      path.join(PROMETHEUS_DIR, 'prometheus.yml'),
    );
    expect(config.rule_files).toContain('slo/*.rules.yml');
    expect(
      fs.readFileSync(
        path.join(DEPLOY_DIR, 'docker-compose.monitoring.yml'),
        'utf8',
      ),
    ).toContain('./prometheus/slo:/etc/prometheus/slo:ro');
  });

  it.each(ruleFiles.map((file) => [rel(file)]))(
    '%s passes promtool check rules',
    (file) => {
      expectSuccess(run('promtool', ['check', 'rules', file]));
    },
  );

  it.each(testFiles.map((file) => [rel(file)]))(
    '%s: the generated cases pass (promtool test rules)',
    (file) => {
      const result = run('promtool', ['test', 'rules', file], {
        timeoutMs: 300_000,
      });
      expectSuccess(result);
      expect(result.output).toContain('SUCCESS');
    },
  );

  it.each(ruleFiles.map((file) => [rel(file)]))(
    '%s: each alert has firing cases and quiet cases (just below, short spike) for each of its two tiers',
    (file) => {
      const doc = readYaml<RuleFile>(path.join(REPO_ROOT, file));
      const alerts = doc.groups.flatMap((g) => g.rules).filter((r) => r.alert);
      expect(alerts.map((rule) => rule.alert)).toEqual(ALERTS);
      const name = path.basename(file, '.rules.yml');
      for (const [alert, severity] of [
        [ALERTS[0], 'page'],
        [ALERTS[1], 'ticket'],
      ]) {
        const tests = readYaml<RuleTestFile>(
          path.join(SLO_TESTS_DIR, `${name}.${severity}.test.yml`),
        ).tests.flatMap((t) => t.alert_rule_test ?? []);
        expect(tests.every((t) => t.alertname === alert)).toBe(true);
        const firing = tests.filter((t) => (t.exp_alerts ?? []).length > 0);
        // Two tiers: fires, just below, short spike each.
        expect(firing).toHaveLength(2);
        expect(tests).toHaveLength(6);
        for (const t of firing)
          expect(t.exp_alerts?.[0]?.exp_labels).toMatchObject({
            slo_severity: severity,
            severity: severity === 'page' ? 'critical' : 'warning',
            service: 'prs-backend',
          });
      }
    },
  );

  it('the generated cases have teeth: per-instance ratios or a lower burn rate fail them', () => {
    withTempDir((dir) => {
      const source = ruleFiles.find((f) => f.includes('api-availability'))!;
      const name = path.basename(source);
      fs.mkdirSync(path.join(dir, 'tests'));
      const page = `${path.basename(source, '.rules.yml')}.page.test.yml`;
      fs.copyFileSync(
        path.join(SLO_TESTS_DIR, page),
        path.join(dir, 'tests', page),
      );
      const text = fs.readFileSync(source, 'utf8');
      const mutations: [string, string][] = [
        // Per instance instead of fleet-wide: the quiet cases' errors all sit on one instance.
        [
          'sum by (instance) (rate(',
          text.split('sum(rate(').join('sum by (instance) (rate('),
        ],
        ['14.4 -> 12', text.split('> 14.4 *').join('> 12 *')],
      ];
      for (const [title, mutated] of mutations) {
        expect([title, mutated === text]).toEqual([title, false]);
        fs.writeFileSync(path.join(dir, name), mutated);
        const result = run(
          'promtool',
          ['test', 'rules', path.join(dir, 'tests', page)],
          {
            timeoutMs: 300_000,
          },
        );
        expect([title, result.status]).toEqual([title, 1]);
      }
    });
  });
});

describe('generated SLO dashboard', () => {
  const files = listFiles(SLO_DASHBOARDS_DIR, '.json');
  const dashboards = files.map((file) => ({
    file,
    dashboard: parseDashboard(file),
  }));

  it('is one dashboard per service, named after its uid, provisioned with the others', () => {
    expect(dashboards.map(({ dashboard }) => dashboard.uid)).toEqual([
      'slo-prs-backend',
    ]);
    for (const { file, dashboard } of dashboards)
      expect(path.basename(file)).toBe(`${dashboard.uid}.json`);
    // Grafana's file provider reads dashboards/ recursively: slo/ needs no provider of its own.
    const provisioning = fs.readFileSync(
      path.join(
        DEPLOY_DIR,
        'grafana',
        'provisioning',
        'dashboards',
        'dashboards.yml',
      ),
      'utf8',
    );
    expect(provisioning).toContain('path: /var/lib/grafana/dashboards');
  });

  it('queries Prometheus through ${datasource} with valid PromQL in every panel', () => {
    const { dashboard } = dashboards[0] as { dashboard: Dashboard };
    expect(
      dashboard.templating.list.find((v) => v.name === 'datasource'),
    ).toMatchObject({
      type: 'datasource',
      query: 'prometheus',
    });
    const panels = panelsOf(dashboard);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    const exprs = panels.flatMap((panel) =>
      (panel.targets ?? []).map((target) => {
        expect(target.datasource?.uid).toBe('${datasource}');
        return target.expr ?? '';
      }),
    );
    expect(exprs.length).toBeGreaterThanOrEqual(10);
    withTempDir((dir) => {
      const file = path.join(dir, 'exprs.rules.yml');
      const rules = exprs.map((expr, index) => ({
        record: `dashboard:expr_${index}`,
        expr: expr.replace(/\$slo\b/g, '.+'),
      }));
      fs.writeFileSync(file, dump({ groups: [{ name: 'exprs', rules }] }));
      expectSuccess(run('promtool', ['check', 'rules', file]));
    });
  });
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import { dump } from 'js-yaml';
import {
  ALERTS_FILE,
  PROMETHEUS_DIR,
  RECORDING_FILE,
  RULES_DIR,
  RULE_TESTS_DIR,
  expectSuccess,
  listFiles,
  readYaml,
  rel,
  run,
  withTempDir,
  type Rule,
  type RuleFile,
  type RuleTestFile,
} from './deploy-tools';

/**
 * The alert contract: the 13 alerts of the PRS monitoring guide (its groups,
 * `for` durations, severities, services and thresholds) plus the documented
 * extras of the `prs-observability` group.
 */
const ALERT_CONTRACT: Record<
  string,
  {
    group: string;
    for: string | undefined;
    severity: 'critical' | 'warning';
    service: string;
    threshold: string;
  }
> = {
  HighErrorRate: {
    group: 'prs-application',
    for: '5m',
    severity: 'critical',
    service: 'prs-backend',
    threshold: '> 0.1',
  },
  HighResponseTime: {
    group: 'prs-application',
    for: '10m',
    severity: 'warning',
    service: 'prs-backend',
    threshold: '> 2',
  },
  ServiceDown: {
    group: 'prs-application',
    for: '2m',
    severity: 'critical',
    service: 'prs-backend',
    threshold: '== 0',
  },
  HighActiveUsers: {
    group: 'prs-application',
    for: '5m',
    severity: 'warning',
    service: 'prs-backend',
    threshold: '> 1000',
  },
  DatabaseConnectionHigh: {
    group: 'prs-database',
    for: '5m',
    severity: 'warning',
    service: 'postgresql',
    threshold: '> 80',
  },
  SlowQueries: {
    group: 'prs-database',
    for: '2m',
    severity: 'warning',
    service: 'postgresql',
    threshold: '> 300',
  },
  DatabaseDiskUsageHigh: {
    group: 'prs-database',
    for: '10m',
    severity: 'warning',
    service: 'postgresql',
    threshold: '> 50',
  },
  HighCPUUsage: {
    group: 'prs-infrastructure',
    for: '10m',
    severity: 'warning',
    service: 'system',
    threshold: '> 80',
  },
  HighMemoryUsage: {
    group: 'prs-infrastructure',
    for: '5m',
    severity: 'warning',
    service: 'system',
    threshold: '> 80',
  },
  LowDiskSpace: {
    group: 'prs-infrastructure',
    for: '5m',
    severity: 'critical',
    service: 'system',
    threshold: '< 10',
  },
  RedisDown: {
    group: 'prs-infrastructure',
    for: '2m',
    severity: 'critical',
    service: 'redis',
    threshold: '== 0',
  },
  HighLoginFailureRate: {
    group: 'prs-business-metrics',
    for: '5m',
    severity: 'warning',
    service: 'prs-backend',
    threshold: '> 0.1',
  },
  NoRecentTransactions: {
    group: 'prs-business-metrics',
    for: '2h',
    severity: 'warning',
    service: 'prs-backend',
    threshold: '== 0',
  },
  // Extras the guide implies but lacks (deploy/README.md, "Extra rules").
  HealthCheckDown: {
    group: 'prs-observability',
    for: '2m',
    severity: 'critical',
    service: 'prs-backend',
    threshold: '== 0',
  },
  TelemetryExportFailing: {
    group: 'prs-observability',
    for: '10m',
    severity: 'warning',
    service: 'prs-backend',
    threshold: '> 0',
  },
  MetricSeriesOverflow: {
    group: 'prs-observability',
    for: undefined,
    severity: 'warning',
    service: 'prs-backend',
    threshold: '> 0',
  },
};

const RECORDING_RULES = [
  'prs:http_request_rate',
  'prs:http_request_duration_95th',
  'prs:database_query_rate',
  // Fleet views over every instance of a job (docs/fleet.md).
  'prs:fleet_http_error_ratio',
  'prs:fleet_http_request_duration_95th',
];

const ruleFiles = listFiles(RULES_DIR, '.yml');
const testFiles = listFiles(RULE_TESTS_DIR, '.test.yml');
const alertRules: RuleFile = readYaml<RuleFile>(ALERTS_FILE);
const ruleTests: { file: string; doc: RuleTestFile }[] = testFiles.map(
  (file) => ({ file, doc: readYaml<RuleTestFile>(file) }),
);

function alertsIn(doc: RuleFile): { group: string; rule: Rule }[] {
  return doc.groups.flatMap((group) =>
    group.rules
      .filter((rule) => rule.alert !== undefined)
      .map((rule) => ({ group: group.name, rule })),
  );
}

describe('Prometheus configuration', () => {
  it('passes promtool check config (rule files resolved relative to it)', () => {
    const result = run('promtool', [
      'check',
      'config',
      rel(path.join(PROMETHEUS_DIR, 'prometheus.yml')),
    ]);
    expectSuccess(result);
    // rules/ and the generated SLO rules of slo/ (test/deploy/slo-rules.e2e-spec.ts).
    const sloRuleFiles = listFiles(path.join(PROMETHEUS_DIR, 'slo'), '.yml');
    expect(result.output).toContain(
      `${ruleFiles.length + sloRuleFiles.length} rule files found`,
    );
  });

  it('has no top-level recording_rules key and no celery job', () => {
    const config = readYaml<Record<string, unknown>>(
      path.join(PROMETHEUS_DIR, 'prometheus.yml'),
    );
    expect(config).not.toHaveProperty('recording_rules');
    const jobs = (config.scrape_configs as { job_name: string }[]).map(
      (job) => job.job_name,
    );
    expect(jobs).toEqual([
      'prs-backend',
      'node-exporter',
      'postgres-exporter',
      'redis-exporter',
      'nginx-exporter',
      'blackbox',
    ]);
  });

  it.each(ruleFiles.map((file) => [rel(file)]))(
    'rule file %s passes promtool check rules',
    (file) => {
      expectSuccess(run('promtool', ['check', 'rules', file]));
    },
  );

  it.each(testFiles.map((file) => [rel(file)]))(
    'rule unit tests %s pass (promtool test rules)',
    (file) => {
      const result = run('promtool', ['test', 'rules', file]);
      expectSuccess(result);
      expect(result.output).toContain('SUCCESS');
    },
  );
});

describe('alert rules contract', () => {
  const alerts = alertsIn(alertRules);

  it('contains exactly the 13 guide alerts and the documented extras', () => {
    expect(alerts.map(({ rule }) => rule.alert).sort()).toEqual(
      Object.keys(ALERT_CONTRACT).sort(),
    );
    expect(alertRules.groups.map((group) => group.name)).toEqual([
      'prs-application',
      'prs-database',
      'prs-infrastructure',
      'prs-business-metrics',
      'prs-observability',
    ]);
  });

  it.each(Object.entries(ALERT_CONTRACT))(
    '%s keeps the guide group, for, labels, threshold and annotations',
    (name, contract) => {
      const found = alerts.find(({ rule }) => rule.alert === name);
      expect(found).toBeDefined();
      const { group, rule } = found!;
      expect(group).toBe(contract.group);
      expect(rule.for).toBe(contract.for);
      expect(rule.labels).toEqual({
        severity: contract.severity,
        service: contract.service,
      });
      expect(rule.expr.trim().endsWith(contract.threshold)).toBe(true);
      expect(Object.keys(rule.annotations ?? {}).sort()).toEqual([
        'description',
        'summary',
      ]);
    },
  );

  it('contains the three recording rules of the guide and the fleet rules, in a rule file', () => {
    const recording = readYaml<RuleFile>(RECORDING_FILE);
    const records = recording.groups.flatMap((group) =>
      group.rules.map((rule) => rule.record),
    );
    expect(records).toEqual(RECORDING_RULES);
    const p95 = recording.groups
      .flatMap((group) => group.rules)
      .find((rule) => rule.record === 'prs:http_request_duration_95th');
    expect(p95?.expr).toMatch(/histogram_quantile\(0\.95, sum by \(le,/);
    // A fleet view never keeps `instance`: it sums over instances first.
    for (const rule of recording.groups.flatMap((group) => group.rules)) {
      if (rule.record?.startsWith('prs:fleet_'))
        expect(rule.expr).not.toContain('instance');
    }
  });
});

describe('rule unit tests coverage', () => {
  const cases = ruleTests.flatMap(({ file, doc }) =>
    doc.tests.flatMap((test) =>
      (test.alert_rule_test ?? []).map((alertTest) => ({ file, alertTest })),
    ),
  );
  const alerts = alertsIn(alertRules);

  it('every test file points at existing rule files', () => {
    for (const { file, doc } of ruleTests) {
      for (const ruleFile of doc.rule_files) {
        expect(fs.existsSync(path.resolve(path.dirname(file), ruleFile))).toBe(
          true,
        );
      }
    }
  });

  it.each(alerts.map(({ rule }) => [rule.alert!, rule]))(
    '%s has a firing case with exact labels/annotations and a non-firing case',
    (name, rule) => {
      const mine = cases.filter(
        ({ alertTest }) => alertTest.alertname === name,
      );
      const firing = mine.filter(
        ({ alertTest }) => (alertTest.exp_alerts ?? []).length > 0,
      );
      const silent = mine.filter(
        ({ alertTest }) => (alertTest.exp_alerts ?? []).length === 0,
      );
      expect(firing.length).toBeGreaterThan(0);
      expect(silent.length).toBeGreaterThan(0);
      for (const { alertTest } of firing) {
        for (const expected of alertTest.exp_alerts ?? []) {
          expect(expected.exp_labels).toMatchObject(rule.labels ?? {});
          const annotations = expected.exp_annotations ?? {};
          expect(Object.keys(annotations).sort()).toEqual([
            'description',
            'summary',
          ]);
          // Rendered text, not templates.
          for (const text of Object.values(annotations)) {
            expect(text).not.toContain('{{');
          }
        }
      }
    },
  );

  it.each(RECORDING_RULES.map((record) => [record]))(
    'recording rule %s is tested with promql_expr_test',
    (record) => {
      const exprTests = ruleTests.flatMap(({ doc }) =>
        doc.tests.flatMap((test) => test.promql_expr_test ?? []),
      );
      const mine = exprTests.filter(
        (exprTest) =>
          exprTest.expr.trim() === record &&
          (exprTest.exp_samples ?? []).length > 0,
      );
      expect(mine.length).toBeGreaterThan(0);
    },
  );
});

describe('rule unit tests have teeth', () => {
  /**
   * Copies rules/ and tests/ to a scratch folder (the test files name
   * ../rules/...), applies `mutate` to the alert rules and runs the test
   * files that test `alert` (all of them when it is undefined).
   */
  function testRulesWith(
    alert: string | undefined,
    mutate: (doc: RuleFile) => void,
  ) {
    return withTempDir((dir) => {
      fs.cpSync(RULES_DIR, path.join(dir, 'rules'), { recursive: true });
      fs.cpSync(RULE_TESTS_DIR, path.join(dir, 'tests'), { recursive: true });
      const doc = readYaml<RuleFile>(ALERTS_FILE);
      mutate(doc);
      fs.writeFileSync(
        path.join(dir, 'rules', path.basename(ALERTS_FILE)),
        dump(doc, { lineWidth: -1 }),
      );
      const files = ruleTests
        .filter(
          ({ doc: testDoc }) =>
            alert === undefined ||
            testDoc.tests.some((test) =>
              (test.alert_rule_test ?? []).some((t) => t.alertname === alert),
            ),
        )
        .map(({ file }) => path.join(dir, 'tests', path.basename(file)));
      expect(files.length).toBeGreaterThan(0);
      return run('promtool', ['test', 'rules', ...files]);
    });
  }

  function ruleOf(doc: RuleFile, alert: string): Rule {
    const rule = doc.groups
      .flatMap((group) => group.rules)
      .find((candidate) => candidate.alert === alert);
    if (rule === undefined) throw new Error(`no alert ${alert}`);
    return rule;
  }

  it('an unmutated scratch copy passes (control)', () => {
    expectSuccess(testRulesWith(undefined, () => undefined));
  });

  const mutations: [string, string, (rule: Rule) => void][] = [
    [
      'HighErrorRate threshold 0.1 -> 0.5',
      'HighErrorRate',
      (rule) => {
        rule.expr = rule.expr.replace(/> 0\.1$/, '> 0.5');
      },
    ],
    [
      'HighErrorRate back to one alert per instance (no fleet sum)',
      'HighErrorRate',
      (rule) => {
        rule.expr = rule.expr.replace('sum by (job)', 'sum by (job, instance)');
      },
    ],
    [
      'HighActiveUsers back to one alert per instance',
      'HighActiveUsers',
      (rule) => {
        rule.expr = 'prs_active_users_total > 1000';
      },
    ],
    [
      'ServiceDown severity critical -> warning',
      'ServiceDown',
      (rule) => {
        rule.labels = { ...rule.labels, severity: 'warning' };
      },
    ],
    [
      'HealthCheckDown severity critical -> warning',
      'HealthCheckDown',
      (rule) => {
        rule.labels = { ...rule.labels, severity: 'warning' };
      },
    ],
    [
      'HighResponseTime for 10m -> 5m',
      'HighResponseTime',
      (rule) => {
        rule.for = '5m';
      },
    ],
    [
      "HighResponseTime back to the guide's unaggregated expression",
      'HighResponseTime',
      (rule) => {
        rule.expr =
          'histogram_quantile(0.95, rate(prs_http_request_duration_seconds_bucket[5m])) > 2';
      },
    ],
    [
      "DatabaseConnectionHigh back to the guide's per-state expression",
      'DatabaseConnectionHigh',
      (rule) => {
        rule.expr = 'pg_stat_activity_count > 80';
      },
    ],
    [
      "NoRecentTransactions back to the guide's per-series expression",
      'NoRecentTransactions',
      (rule) => {
        rule.expr =
          'increase(prs_business_events_total{event_type="payment_processing"}[1h]) == 0';
      },
    ],
    [
      "LowDiskSpace description back to the guide's 'Disk usage'",
      'LowDiskSpace',
      (rule) => {
        rule.annotations = {
          ...rule.annotations,
          description:
            'Disk usage is {{ $value | humanize }}% on {{ $labels.instance }} {{ $labels.mountpoint }}',
        };
      },
    ],
  ];

  it.each(mutations)(
    'promtool test rules fails after mutating %s',
    (_title, alert, mutate) => {
      const before = JSON.stringify(ruleOf(alertRules, alert));
      const result = testRulesWith(alert, (doc) => {
        const rule = ruleOf(doc, alert);
        mutate(rule);
        // A mutation that changes nothing would prove nothing.
        expect(JSON.stringify(rule)).not.toBe(before);
      });
      expect(result.status).not.toBe(0);
      expect(result.output).toContain(`alertname: ${alert}`);
    },
  );
});

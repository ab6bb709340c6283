import * as fs from 'node:fs';
import * as path from 'node:path';
import { dump, load } from 'js-yaml';
import {
  REPO_ROOT,
  RULES_DIR,
  expectSuccess,
  listFiles,
  readYaml,
  run,
  withTempDir,
  type RuleFile,
} from './deploy-tools';
import {
  GENERATE_SCRIPT,
  K8S_DIR,
  VALIDATE_SCRIPT,
  manifestObject,
  manifestObjects,
} from './kubernetes-files';

interface ValidationReport {
  objects: { file: string; kind: string; name: string }[];
  errors: { file: string; kind: string; name: string; error: string }[];
}

/** Runs validate.mjs (ESM-only schema packages: a child process, not Jest's loader). */
function validate(files: string[] = []): {
  status: number | null;
  report: ValidationReport;
} {
  const result = run(process.execPath, [VALIDATE_SCRIPT, ...files], {
    timeoutMs: 60_000,
  });
  return {
    status: result.status,
    report: JSON.parse(result.stdout) as ValidationReport,
  };
}

/** The rule files the generated PrometheusRule carries (the generator's own choice). */
function ruleSources(root: string): string[] {
  const slo = path.join(root, 'deploy', 'prometheus', 'slo');
  return [
    ...listFiles(path.join(root, 'deploy', 'prometheus', 'rules'), '.yml'),
    ...(fs.existsSync(slo) ? listFiles(slo, '.rules.yml') : []),
  ];
}

describe('deploy/kubernetes: manifests against the Kubernetes and Operator schemas', () => {
  it('validates every object kustomization.yaml renders', () => {
    const { status, report } = validate();
    expect(report.errors).toEqual([]);
    expect(status).toBe(0);
    const kinds = new Set(report.objects.map((o) => o.kind));
    for (const kind of [
      'Deployment',
      'DaemonSet',
      'Service',
      'PodMonitor',
      'PrometheusRule',
      'Alertmanager',
      'ConfigMap',
      'Secret',
    ])
      expect(kinds).toContain(kind);
  });

  it('leaves no manifest out of the kustomization (so none escapes validation)', () => {
    const kustomization = readYaml<{ resources: string[] }>(
      path.join(K8S_DIR, 'kustomization.yaml'),
    );
    const manifests = ['.', 'demo', 'otel', 'prometheus', 'generated']
      .flatMap((dir) =>
        listFiles(path.join(K8S_DIR, dir), '.yaml').map((f) =>
          path.relative(K8S_DIR, f),
        ),
      )
      // Collector configs and the kustomization itself are not Kubernetes objects.
      .filter(
        (f) =>
          ![
            'kustomization.yaml',
            'otel/agent.yaml',
            'otel/gateway.yaml',
          ].includes(f),
      );
    expect([...kustomization.resources].sort()).toEqual(manifests.sort());
  });

  it('fails a broken manifest: a string for an integer, a bad enum, a wrong CRD field type, unknown fields, an unknown kind', () => {
    withTempDir((dir) => {
      const deployment = manifestObject(
        'demo/deployment.yaml',
        'Deployment',
        'prs-backend',
      );
      deployment.spec.replicas = '3';
      deployment.spec.template.spec.containers[0].imagePullPolicy = 'Sometimes';
      const podMonitor = manifestObject(
        'demo/pod-monitor.yaml',
        'PodMonitor',
        'prs-backend',
      );
      podMonitor.spec.podMetricsEndpoints[0].interval = 30;
      const typo = {
        ...manifestObject('demo/service.yaml', 'Service', 'prs-backend'),
        kind: 'Servise',
      };
      // Well-typed, but with a misspelt field each (kubectl --validate=strict refuses them).
      const misspelt = manifestObject(
        'otel/agent-daemonset.yaml',
        'DaemonSet',
        'otel-agent',
      );
      const agent = misspelt.spec.template.spec.containers[0];
      agent.readinesProbe = agent.readinessProbe;
      delete agent.readinessProbe;
      const monitorTypo = manifestObject(
        'demo/pod-monitor.yaml',
        'PodMonitor',
        'prs-backend',
      );
      monitorTypo.spec.podMetricsEndpoints[0].relabellings = [];
      const file = path.join(dir, 'broken.yaml');
      fs.writeFileSync(
        file,
        [deployment, podMonitor, typo, misspelt, monitorTypo]
          .map((o) => dump(o))
          .join('---\n'),
      );
      const { status, report } = validate([file]);
      expect(status).toBe(1);
      expect(report.errors.map((e) => [e.kind, e.error])).toEqual([
        [
          'Deployment',
          expect.stringMatching(
            /\/spec\/replicas must be integer.*imagePullPolicy must be equal to one of the allowed values/,
          ),
        ],
        [
          'PodMonitor',
          expect.stringContaining(
            '/spec/podMetricsEndpoints/0/interval must be string',
          ),
        ],
        ['Servise', 'no schema for v1 Servise'],
        [
          'DaemonSet',
          `unknown field: Object literal may only specify known properties, and '"readinesProbe"' does not exist in type 'IContainer'.`,
        ],
        [
          'PodMonitor',
          `unknown field: Object literal may only specify known properties, and '"relabellings"' does not exist in type 'IPodMetricsEndpoint'.`,
        ],
      ]);
    });
  });
});

describe('deploy/kubernetes/prometheus: the job for Prometheus without the Operator', () => {
  interface ScrapeConfig {
    job_name: string;
    metrics_path: string;
    kubernetes_sd_configs?: unknown;
    static_configs?: unknown;
  }
  const file = path.join(K8S_DIR, 'prometheus', 'prometheus.yml');

  it('passes promtool once kubernetes_sd is swapped for a static target (Debian builds Prometheus without it)', () => {
    const config = readYaml<{ scrape_configs: ScrapeConfig[] }>(file);
    const job = config.scrape_configs.find((j) => j.job_name === 'prs-backend');
    expect(job?.kubernetes_sd_configs).toEqual([
      expect.objectContaining({ role: 'pod' }),
    ]);
    // Same job, label and path as the PodMonitor (the rules select job="prs-backend").
    const podMonitor = manifestObject(
      'demo/pod-monitor.yaml',
      'PodMonitor',
      'prs-backend',
    );
    expect(job?.metrics_path).toBe(podMonitor.spec.podMetricsEndpoints[0].path);
    withTempDir((dir) => {
      for (const j of config.scrape_configs) {
        delete j.kubernetes_sd_configs;
        j.static_configs = [{ targets: ['127.0.0.1:8000'] }];
      }
      const copy = path.join(dir, 'prometheus.yml');
      fs.writeFileSync(copy, dump(config));
      expectSuccess(
        run('promtool', ['check', 'config', '--syntax-only', copy]),
      );
    });
  });
});

describe('deploy/kubernetes/generated: one source of truth', () => {
  it('is what generate.mjs makes from the files in deploy/ (npm run k8s:generate)', () => {
    expectSuccess(run(process.execPath, [GENERATE_SCRIPT, '--check']));
  });

  it('carries every group of every rule file, unchanged', () => {
    const sources = ruleSources(REPO_ROOT);
    expect(sources.length).toBeGreaterThanOrEqual(2);
    const rules = manifestObjects('generated/prometheus-rule.yaml');
    expect(rules.map((r) => r.spec.groups)).toEqual(
      sources.map((file) => readYaml<RuleFile>(file).groups),
    );
    expect(new Set(rules.map((r) => r.metadata.name)).size).toBe(rules.length);
  });

  it('goes stale, and --check fails, when a rule changes without regenerating', () => {
    withTempDir((root) => {
      for (const dir of [
        'deploy/prometheus',
        'deploy/alertmanager',
        'deploy/grafana',
        'deploy/kubernetes/generated',
      ])
        fs.cpSync(path.join(REPO_ROOT, dir), path.join(root, dir), {
          recursive: true,
        });
      const copy = path.join(root, path.relative(REPO_ROOT, RULES_DIR));
      const file = listFiles(copy, '.yml')[0] ?? '';
      const rules = load(fs.readFileSync(file, 'utf8')) as RuleFile;
      const first = rules.groups[0]?.rules[0];
      if (first === undefined) throw new Error(`${file} has no rule`);
      first.expr = `(${first.expr}) * 2`;
      fs.writeFileSync(file, dump(rules));

      const stale = run(process.execPath, [
        GENERATE_SCRIPT,
        '--check',
        '--root',
        root,
      ]);
      expect(stale.status).toBe(1);
      expect(stale.stderr).toContain(
        'stale: deploy/kubernetes/generated/prometheus-rule.yaml',
      );
      expectSuccess(run(process.execPath, [GENERATE_SCRIPT, '--root', root]));
      expectSuccess(
        run(process.execPath, [GENERATE_SCRIPT, '--check', '--root', root]),
      );
    });
  });

  it('points Alertmanager at the receivers Secret, and carries no secret value', () => {
    const [alertmanager, config] = manifestObjects(
      'generated/alertmanager.yaml',
    );
    expect(alertmanager?.spec.secrets).toEqual(['alertmanager-prs-receivers']);
    const text = String(
      (config?.stringData as Record<string, string>)['alertmanager.yaml'],
    );
    const files = [...text.matchAll(/_file: (\S+)/g)].map((m) => m[1]);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files)
      expect(file).toMatch(
        /^\/etc\/alertmanager\/secrets\/alertmanager-prs-receivers\/[a-z-]+$/,
      );
    expect(text).not.toMatch(/hooks\.slack\.com\/services\/T/);
  });
});

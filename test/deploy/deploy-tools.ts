import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { load } from 'js-yaml';

/** Repository root; the deploy tests run every tool from here. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const DEPLOY_DIR = path.join(REPO_ROOT, 'deploy');
export const PROMETHEUS_DIR = path.join(DEPLOY_DIR, 'prometheus');
export const RULES_DIR = path.join(PROMETHEUS_DIR, 'rules');
export const RULE_TESTS_DIR = path.join(PROMETHEUS_DIR, 'tests');
export const ALERTS_FILE = path.join(RULES_DIR, 'prs-alerts.rules.yml');
export const RECORDING_FILE = path.join(RULES_DIR, 'prs-recording.rules.yml');
export const ALERTMANAGER_FILE = path.join(
  DEPLOY_DIR,
  'alertmanager',
  'alertmanager.yml',
);

/** The Debian package that ships each external tool the tests need. */
const DEBIAN_PACKAGE: Record<string, string> = {
  promtool: 'prometheus',
  amtool: 'prometheus-alertmanager',
  'prometheus-blackbox-exporter': 'prometheus-blackbox-exporter',
  'prometheus-postgres-exporter': 'prometheus-postgres-exporter',
  'prometheus-redis-exporter': 'prometheus-redis-exporter',
};

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for assertion messages. */
  output: string;
}

/**
 * Runs a tool synchronously with a timeout. A missing Prometheus tool fails
 * the test with the install command rather than skipping it.
 */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): RunResult {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? REPO_ROOT,
    env: options.env ?? process.env,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 30_000,
  });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    const pkg = DEBIAN_PACKAGE[command];
    if (code === 'ENOENT' && pkg !== undefined) {
      throw new Error(
        `${command} is not installed. The deploy tests need the Debian packages ` +
          `prometheus, prometheus-alertmanager and the blackbox, postgres and redis exporters: ` +
          `apt-get update && apt-get install -y prometheus prometheus-alertmanager prometheus-blackbox-exporter ` +
          `prometheus-postgres-exporter prometheus-redis-exporter`,
      );
    }
    throw new Error(
      `${command} ${args.join(' ')} failed: ${result.error.message}`,
    );
  }
  const stdout = result.stdout ?? '';
  const stderr = result.stderr ?? '';
  return {
    status: result.status,
    stdout,
    stderr,
    output: `$ ${command} ${args.join(' ')}\n${stdout}${stderr}`,
  };
}

/** Asserts a zero exit code, showing the tool's output when it is not. */
export function expectSuccess(result: RunResult): void {
  if (result.status !== 0) {
    throw new Error(
      `expected exit code 0, got ${String(result.status)}:\n${result.output}`,
    );
  }
}

/** Creates a scratch directory under os.tmpdir(), removed after `fn`. */
export function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prs-deploy-'));
  try {
    return fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function readYaml<T>(file: string): T {
  return load(fs.readFileSync(file, 'utf8')) as T;
}

/** Files of `dir` whose names end with `suffix`, sorted, as absolute paths. */
export function listFiles(dir: string, suffix: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(suffix))
    .sort()
    .map((name) => path.join(dir, name));
}

/** Path relative to the repository root, as the tools are given it. */
export function rel(file: string): string {
  return path.relative(REPO_ROOT, file);
}

// Shapes of the YAML documents the tests read.

export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleFile {
  groups: { name: string; rules: Rule[] }[];
}

export interface RuleTestFile {
  rule_files: string[];
  tests: {
    alert_rule_test?: {
      eval_time: string;
      alertname: string;
      exp_alerts?: {
        exp_labels?: Record<string, string>;
        exp_annotations?: Record<string, string>;
      }[];
    }[];
    promql_expr_test?: {
      expr: string;
      eval_time: string;
      exp_samples?: { labels: string; value: number }[];
    }[];
  }[];
}

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AppStatus } from './app-status';
import { statusPath } from './app-status';
import { type CheckResult, skip } from './doctor-check';
import {
  checkNode,
  checkPreload,
  checkSingletons,
  checkVersions,
  installedVersions,
} from './project-checks';
import {
  checkInstrumentation,
  checkMetrics,
  checkOtlp,
  fetchStatus,
  otlpTracesUrl,
} from './remote-checks';

/** What to check: a project directory, a running app, or both. */
export interface DoctorOptions {
  /** The app's directory (package.json, node_modules). */
  dir: string;
  /** The running app's base URL (`http://127.0.0.1:3000`); its metrics at `metricsPath`. */
  url?: string;
  /** The full metrics URL, for a dedicated metrics port; overrides `url` + `metricsPath`. */
  metricsUrl?: string;
  /** @default '/metrics' */
  metricsPath: string;
  /** @default 'prs' */
  prefix: string;
  /** OTLP traces URL (a base URL gets `/v1/traces`); else the standard `OTEL_*` variables. */
  otlp?: string;
  /** `Authorization` header for `/metrics` and the status, when they need one. */
  authorization?: string;
  /** Deadline of each network request. @default 3000 */
  timeoutMs: number;
  env: NodeJS.ProcessEnv;
}

/** The doctor's answer: `ok` is false when any check failed. */
export interface DoctorReport {
  ok: boolean;
  checks: CheckResult[];
}

/** Runs every check that applies and never throws for a finding. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const dir = resolve(options.dir);
  const isProject = existsSync(join(dir, 'package.json'));
  const headers: Record<string, string> = options.authorization
    ? { authorization: options.authorization }
    : {};
  const metricsUrl =
    options.metricsUrl ??
    (options.url === undefined
      ? undefined
      : new URL(options.metricsPath, options.url).toString());

  const checks: CheckResult[] = [];
  let status: AppStatus | undefined;
  if (metricsUrl !== undefined) {
    const statusUrl = new URL(metricsUrl);
    statusUrl.pathname = statusPath(statusUrl.pathname);
    const fetched = await fetchStatus(
      statusUrl.toString(),
      headers,
      options.timeoutMs,
    );
    status = fetched.status;
    checks.push(fetched.result);
  }
  checks.push(
    status
      ? checkNode(status.node, "the running app's")
      : checkNode(process.versions.node, "this shell's"),
  );
  const versions = isProject ? installedVersions(dir) : status?.versions;
  if (versions !== undefined) checks.push(...checkVersions(versions));
  if (isProject) {
    checks.push(...checkSingletons(dir));
    checks.push(checkPreload(dir, options.env));
  } else {
    checks.push(
      skip(
        'project',
        'Project checks',
        `no package.json in ${dir}: run the doctor in the app's directory or pass --dir`,
      ),
    );
  }
  if (status) checks.push(...checkInstrumentation(status));
  if (metricsUrl !== undefined)
    checks.push(
      await checkMetrics(
        metricsUrl,
        options.prefix,
        headers,
        options.timeoutMs,
      ),
    );
  const exporter =
    status?.sdk.tracesExporter ?? options.env.OTEL_TRACES_EXPORTER ?? 'otlp';
  checks.push(
    await checkOtlp(
      options.otlp !== undefined || exporter === 'otlp'
        ? tracesUrl(otlpTracesUrl(options.otlp, options.env))
        : undefined,
      options.timeoutMs,
    ),
  );
  return { ok: checks.every((c) => c.verdict !== 'fail'), checks };
}

/** A base URL (no path) gets the traces path the SDK would append. */
function tracesUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.pathname === '/' || parsed.pathname === '')
      parsed.pathname = '/v1/traces';
    return parsed.toString();
  } catch {
    return url;
  }
}

const MARKS = {
  pass: 'ok  ',
  fail: 'FAIL',
  warn: 'warn',
  skip: 'skip',
} as const;

/** The human report: one line per check, the fix indented under each finding. */
export function formatReport(report: DoctorReport): string {
  const lines = report.checks.map((c) => {
    const head = `[${MARKS[c.verdict]}] ${c.title}: ${c.message}`;
    return c.fix === undefined ? head : `${head}\n       fix: ${c.fix}`;
  });
  const failed = report.checks.filter((c) => c.verdict === 'fail').length;
  lines.push(
    '',
    report.ok
      ? 'All checks passed.'
      : `${failed} check${failed === 1 ? '' : 's'} failed.`,
  );
  return lines.join('\n');
}

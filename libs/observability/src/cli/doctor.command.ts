import { parseArgs } from 'node:util';
import { formatReport, runDoctor } from '../doctor/run-doctor';

/** Usage of `prs-observability doctor`. */
export const DOCTOR_USAGE = `Usage: prs-observability doctor [options]

Explains why telemetry does not show up: checks the app's directory (Node, Nest and
OpenTelemetry versions, one copy of each OpenTelemetry singleton, CommonJS or ESM and
the preload line) and, with --url, the running app (its status, pg/ioredis loaded
before the SDK, /metrics) and the OTLP endpoint. Exit code 0 when nothing failed, 1
otherwise. See README "When nothing shows up".

  --dir <dir>           the app's directory                     (default: .)
  --url <url>           the running app's base URL, e.g. http://127.0.0.1:3000
  --metrics-url <url>   the metrics URL, when on a dedicated port (default: <url>/metrics)
  --metrics-path <path> metrics.path of the app                 (default: /metrics)
  --prefix <prefix>     metrics.prefix of the app               (default: prs)
  --otlp <url>          OTLP traces URL (default: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
                        OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces, http://localhost:4318/v1/traces)
  --timeout <ms>        deadline of each network request        (default: 3000)
  --json                print { ok, checks: [{ id, title, verdict, message, fix? }] }

The Authorization header for a protected /metrics is read from PRS_DOCTOR_AUTHORIZATION
(never from the command line, where it would land in shell history).`;

/** Runs the doctor; resolves to the exit code. */
export async function doctorCommand(
  argv: string[],
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  let values: ReturnType<typeof parseDoctorArgs>['values'];
  try {
    ({ values } = parseDoctorArgs(argv));
  } catch (error) {
    err(`${(error as Error).message}\n\n${DOCTOR_USAGE}`);
    return 2;
  }
  if (values.help) {
    out(DOCTOR_USAGE);
    return 0;
  }
  const timeoutMs = Number(values.timeout);
  const urls = [values.url, values['metrics-url'], values.otlp].filter(
    (u): u is string => u !== undefined,
  );
  const badUrl = urls.find((u) => !isHttpUrl(u));
  if (!(Number.isInteger(timeoutMs) && timeoutMs > 0) || badUrl !== undefined) {
    err(
      `${badUrl === undefined ? '--timeout must be a positive number of ms' : `not an http(s) URL: ${badUrl}`}\n\n${DOCTOR_USAGE}`,
    );
    return 2;
  }
  const report = await runDoctor({
    dir: values.dir,
    url: values.url,
    metricsUrl: values['metrics-url'],
    metricsPath: values['metrics-path'],
    prefix: values.prefix,
    otlp: values.otlp,
    authorization: process.env.PRS_DOCTOR_AUTHORIZATION,
    timeoutMs,
    env: process.env,
  });
  out(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
  return report.ok ? 0 : 1;
}

function isHttpUrl(url: string): boolean {
  return (
    URL.canParse(url) && ['http:', 'https:'].includes(new URL(url).protocol)
  );
}

function parseDoctorArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      dir: { type: 'string', default: '.' },
      url: { type: 'string' },
      'metrics-url': { type: 'string' },
      'metrics-path': { type: 'string', default: '/metrics' },
      prefix: { type: 'string', default: 'prs' },
      otlp: { type: 'string' },
      timeout: { type: 'string', default: '3000' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
}

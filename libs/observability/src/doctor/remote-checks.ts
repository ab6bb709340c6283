import type { AppStatus } from './app-status';
import { type CheckResult, fail, pass, skip } from './doctor-check';
import { doctorMessages as m } from './doctor-messages';
import { checkExposition } from './exposition-check';
import { probe, safeUrl } from './http-probe';

/** Reads the app's status; the check says why when it is not there. */
export async function fetchStatus(
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<{ status?: AppStatus; result: CheckResult }> {
  const id = 'app-status';
  const title = "The app's observability status";
  const res = await probe(url, { headers }, timeoutMs);
  const unavailable = (why: string) => ({
    result: fail(id, title, m.statusUnavailable(safeUrl(url), why), 'warn'),
  });
  if (!res.ok) return unavailable(res.why);
  if (res.status !== 200) return unavailable(`HTTP ${res.status}`);
  let status: AppStatus;
  try {
    status = JSON.parse(res.body) as AppStatus;
  } catch {
    return unavailable('not JSON');
  }
  return {
    status,
    result: pass(
      id,
      title,
      `${status.package.name} ${status.package.version} answers at ${safeUrl(url)}`,
    ),
  };
}

/** The running SDK, and each of pg/ioredis/express patched unless loaded before the SDK. */
export function checkInstrumentation(status: AppStatus): CheckResult[] {
  if (status.sdk.disabled)
    return [fail('sdk-started', 'SDK started', m.sdkNotStarted())];
  const results = [
    pass('sdk-started', 'SDK started', 'the SDK runs in the app'),
  ];
  for (const [module, state] of Object.entries(status.instrumentation)) {
    const id = `instrumented:${module}`;
    const title = `${module} instrumented`;
    results.push(
      state === 'loaded-before-sdk'
        ? fail(id, title, m.loadedBeforeSdk(module))
        : pass(id, title, `${module}: ${state}`),
    );
  }
  if (status.entry === 'esm' && status.preload.require)
    results.push(
      fail(
        'running-preload',
        'Preload line of the running app',
        m.esmWithRequire('the running app'),
      ),
    );
  return results;
}

/** `/metrics` answers 200 with valid text exposition carrying `<prefix>_*` samples. */
export async function checkMetrics(
  url: string,
  prefix: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<CheckResult> {
  const id = 'metrics';
  const title = '/metrics reachable and valid';
  const shown = safeUrl(url);
  const res = await probe(
    url,
    { headers: { ...headers, accept: 'text/plain;version=0.0.4' } },
    timeoutMs,
  );
  if (!res.ok) return fail(id, title, m.metricsUnreachable(shown, res.why));
  if (res.status !== 200)
    return fail(id, title, m.metricsUnreachable(shown, `HTTP ${res.status}`));
  const summary = checkExposition(res.body);
  if (typeof summary === 'string')
    return fail(id, title, m.metricsInvalid(shown, summary));
  if (![...summary.names].some((n) => n.startsWith(`${prefix}_`)))
    return fail(id, title, m.metricsEmpty(shown, prefix));
  return pass(id, title, `${summary.samples} valid samples at ${shown}`);
}

/** Whether an OTLP/HTTP trace receiver answers an empty export at `url`. */
export async function checkOtlp(
  url: string | undefined,
  timeoutMs: number,
): Promise<CheckResult> {
  const id = 'otlp-endpoint';
  const title = 'OTLP endpoint reachable';
  if (url === undefined)
    return skip(id, title, 'traces are not exported over OTLP');
  const shown = safeUrl(url);
  const res = await probe(
    url,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"resourceSpans":[]}',
    },
    timeoutMs,
  );
  if (!res.ok) return fail(id, title, m.otlpUnreachable(shown, res.why));
  // 415: a receiver that takes protobuf only; it is there, and the SDK can speak protobuf.
  if ((res.status >= 200 && res.status < 300) || res.status === 415)
    return pass(id, title, `${shown} answered HTTP ${res.status}`);
  return fail(id, title, m.otlpRejected(shown, res.status));
}

/** Where traces go: `--otlp`, else the standard variables, else the SDK's default. */
export function otlpTracesUrl(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv,
): string {
  if (explicit !== undefined) return explicit;
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
    return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT)
    return `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  return 'http://localhost:4318/v1/traces';
}

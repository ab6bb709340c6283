import { DEFAULT_HEALTH_OPTIONS } from '../../libs/observability/src/health/health-defaults';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS } from '../../libs/observability/src/start-observability';
import { backend, envValue, manifestObject } from './kubernetes-files';

// The backend Deployment's probes and shutdown against the SDK's own defaults, read from
// its source (not copied): a change on either side that breaks the other fails here.
// The timeline (docs/health.md, "Graceful shutdown"): SIGTERM → readiness 503 for
// drainDelayMs while every request is served → listener closed, running requests get
// shutdownTimeoutMs → telemetry flush, at most DEFAULT_SHUTDOWN_TIMEOUT_MS → exit.
describe('deploy/kubernetes: probes and shutdown match the SDK', () => {
  const { deployment, container } = backend();
  const podSpec = deployment.spec.template.spec;
  const drainDelayMs = Number(
    envValue(container, 'HEALTH_DRAIN_DELAY_MS') ??
      DEFAULT_HEALTH_OPTIONS.drainDelayMs,
  );
  const preStopSleepMs =
    (container.lifecycle?.preStop?.sleep?.seconds ?? 0) * 1000;

  it('probes the SDK paths on the container port the app listens on', () => {
    const port = container.ports?.find((p) => p.name === 'http');
    expect(port?.containerPort).toBe(Number(envValue(container, 'PORT')));
    expect(container.readinessProbe?.httpGet).toEqual({
      path: DEFAULT_HEALTH_OPTIONS.paths.ready,
      port: 'http',
    });
    expect(container.livenessProbe?.httpGet).toEqual({
      path: DEFAULT_HEALTH_OPTIONS.paths.live,
      port: 'http',
    });
    expect(container.startupProbe?.httpGet?.path).toBe(
      DEFAULT_HEALTH_OPTIONS.paths.live,
    );
  });

  it('gives every probe more time than the health endpoint deadline', () => {
    // An endpoint answers within health.deadlineMs even when a check hangs, so a
    // probe timeout above it never turns a slow dependency into a restart.
    for (const probe of [
      container.readinessProbe,
      container.livenessProbe,
      container.startupProbe,
    ]) {
      expect((probe?.timeoutSeconds ?? 1) * 1000).toBeGreaterThan(
        DEFAULT_HEALTH_OPTIONS.deadlineMs,
      );
    }
  });

  it('drains: readiness fails within the drain delay, and the drain is on', () => {
    expect(drainDelayMs).toBeGreaterThan(0);
    const readiness = container.readinessProbe;
    const failsAfterMs =
      (readiness?.periodSeconds ?? 10) *
      (readiness?.failureThreshold ?? 3) *
      1000;
    // Endpoints drop a terminating pod at once; the 503s are the second line, for
    // load balancers that only watch readiness. Both happen before the listener closes.
    expect(failsAfterMs).toBeLessThanOrEqual(drainDelayMs);
    // A preStop sleep would delay SIGTERM, and readiness would still answer 200 during it:
    // the SDK's drain is the delay, so there is none (or it is part of the budget below).
    expect(preStopSleepMs).toBeLessThanOrEqual(drainDelayMs);
  });

  it('never kills a pod before drain + request bound + telemetry flush are over', () => {
    const budgetMs =
      preStopSleepMs +
      drainDelayMs +
      DEFAULT_HEALTH_OPTIONS.shutdownTimeoutMs +
      DEFAULT_SHUTDOWN_TIMEOUT_MS;
    expect(podSpec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(
      budgetMs,
    );
  });

  it('rolls without losing capacity, and keeps replicas through node drains', () => {
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    const pdb = manifestObject(
      'demo/pod-disruption-budget.yaml',
      'PodDisruptionBudget',
      'prs-backend',
    );
    expect(pdb.spec.minAvailable).toBeLessThan(deployment.spec.replicas);
    expect(pdb.spec.selector).toEqual(deployment.spec.selector);
  });
});

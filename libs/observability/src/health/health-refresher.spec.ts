import { HealthRefresher } from './health-refresher.service';

// The real report pulls in Terminus (ESM-only); the refresher only calls full().
jest.mock('./health-report.service', () => ({
  HealthReportService: class {},
}));
import type { HealthReportService } from './health-report.service';
import type { HealthConfig } from './resolved-health-options';

/** A report whose rounds finish only when the test says so. */
class ControlledReport {
  calls = 0;
  private finishers: (() => void)[] = [];

  full(): Promise<{ statusCode: 200; body: object }> {
    this.calls++;
    return new Promise((resolve) =>
      this.finishers.push(() => resolve({ statusCode: 200, body: {} })),
    );
  }

  finishAll(): void {
    for (const finish of this.finishers.splice(0)) finish();
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

function refresher(report: ControlledReport, refreshIntervalMs: number) {
  return new HealthRefresher(
    report as unknown as HealthReportService,
    {
      refreshIntervalMs,
    } as HealthConfig,
  );
}

describe('HealthRefresher', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('runs a round at bootstrap, then the next only after one finished', async () => {
    const report = new ControlledReport();
    const r = refresher(report, 1000);
    const bootstrap = r.onApplicationBootstrap();
    expect(report.calls).toBe(1);
    jest.advanceTimersByTime(5000);
    expect(report.calls).toBe(1); // still running: no second round
    report.finishAll();
    await bootstrap;
    jest.advanceTimersByTime(999);
    expect(report.calls).toBe(1);
    jest.advanceTimersByTime(1);
    expect(report.calls).toBe(2);
    jest.advanceTimersByTime(10_000);
    expect(report.calls).toBe(2); // the second round has not finished
    report.finishAll();
    await flush();
    jest.advanceTimersByTime(1000);
    expect(report.calls).toBe(3);
    r.onModuleDestroy();
    report.finishAll();
  });

  it('never holds the process open and stops at shutdown', async () => {
    const report = new ControlledReport();
    const r = refresher(report, 1000);
    const bootstrap = r.onApplicationBootstrap();
    report.finishAll();
    await bootstrap;
    const timer = (r as unknown as { timer: NodeJS.Timeout }).timer;
    expect(timer.hasRef()).toBe(false);
    r.onModuleDestroy();
    jest.advanceTimersByTime(60_000);
    expect(report.calls).toBe(1);
  });

  it('schedules nothing after a round that ends during shutdown', async () => {
    const report = new ControlledReport();
    const r = refresher(report, 1000);
    const bootstrap = r.onApplicationBootstrap();
    r.onModuleDestroy();
    report.finishAll();
    await bootstrap;
    jest.advanceTimersByTime(60_000);
    expect(report.calls).toBe(1);
  });

  it('does nothing with refreshIntervalMs 0', async () => {
    const report = new ControlledReport();
    await refresher(report, 0).onApplicationBootstrap();
    jest.advanceTimersByTime(60_000);
    expect(report.calls).toBe(0);
  });
});

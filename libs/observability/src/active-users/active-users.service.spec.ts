import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import type { ObservabilityModuleOptions } from '../options/observability-options.interface';
import { ObservabilityTestingModule, TestTelemetry } from '../testing';
import { stopTestingSdk } from '../testing/testing-sdk';
import type { ActiveUsersOptions } from './active-users-options.interface';
import { ACTIVE_USERS_CLOCK } from './active-users.constants';
import { ActiveUsers } from './active-users.service';

const GAUGE = 'prs_active_users_total';
const MINUTE = 60_000;

const testingModule = (options: ObservabilityModuleOptions) =>
  Test.createTestingModule({
    imports: [ObservabilityTestingModule.forRoot(options)],
  });

describe('ActiveUsers → prs_active_users_total', () => {
  let telemetry: TestTelemetry;
  let moduleRef: TestingModule | undefined;
  let now = 0;

  const start = async (activeUsers: ActiveUsersOptions = {}) => {
    moduleRef = await testingModule({ activeUsers })
      .overrideProvider(ACTIVE_USERS_CLOCK)
      .useValue(() => now)
      .compile();
    await moduleRef.init();
    telemetry = moduleRef.get(TestTelemetry);
    return moduleRef.get(ActiveUsers);
  };
  const gauge = async () =>
    (await telemetry.metricSeries(GAUGE)).map((s) => s.value);

  beforeEach(() => {
    now = 5 * MINUTE;
  });
  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
    // A fresh meter per test: an observable gauge keeps its callback for the meter's life.
    stopTestingSdk();
  });

  it('reports nothing until the app tracks users (no misleading 0)', async () => {
    await start();
    expect(await gauge()).toEqual([]);
  });

  it('N distinct users in the window → N; users older than the window drop out', async () => {
    const activeUsers = await start();
    for (const id of ['u1', 'u2', 'u3', 'u2', 42, 42]) activeUsers.touch(id);
    expect(await gauge()).toEqual([4]);
    now += 29 * MINUTE;
    activeUsers.touch('u3');
    expect(await gauge()).toEqual([4]);
    now += MINUTE; // u1, u2 and 42 were last seen 30 minutes ago
    expect(await gauge()).toEqual([1]);
    now += 30 * MINUTE;
    expect(await gauge()).toEqual([0]);
  });

  it('honours windowMs, and ignores anonymous or empty ids', async () => {
    const activeUsers = await start({ windowMs: 5 * MINUTE });
    activeUsers.touch('a');
    activeUsers.touch('');
    activeUsers.touch(null);
    activeUsers.touch(undefined);
    now += 4 * MINUTE;
    activeUsers.touch('b');
    expect(await gauge()).toEqual([2]);
    now += MINUTE;
    expect(await gauge()).toEqual([1]);
    expect(activeUsers.count()).toBe(1);
  });

  it('touchRequest(): request.user.id by default, or the configured extractor; a throwing one is logged, never thrown', async () => {
    const warn = jest
      .spyOn(Logger.prototype, 'warn')
      .mockImplementation(() => undefined);
    try {
      const byDefault = await start();
      byDefault.touchRequest({ user: { id: 'alice' } });
      byDefault.touchRequest({ user: { id: 7 } });
      byDefault.touchRequest({});
      byDefault.touchRequest(undefined);
      expect(byDefault.count()).toBe(2);
      await moduleRef?.close();

      const custom = await start({
        extractUserId: (request) => {
          const header = (request as { headers: Record<string, string> })
            .headers['x-user'];
          if (header === 'boom') throw new Error('bad header');
          return header;
        },
      });
      custom.touchRequest({ headers: { 'x-user': 'bob' } });
      expect(() =>
        custom.touchRequest({ headers: { 'x-user': 'boom' } }),
      ).not.toThrow();
      expect(custom.count()).toBe(1);
      expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
        'Tracking an active user failed; the request was not affected. Check activeUsers.extractUserId: Error: bad header',
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  it('a source that hangs: collection still answers at once with the last value', async () => {
    let answer: () => number | Promise<number> = () => 12;
    const warn = jest
      .spyOn(Logger.prototype, 'warn')
      .mockImplementation(() => undefined);
    try {
      await start({ source: () => answer(), sourceTimeoutMs: 100 });
      await new Promise((resolve) => setImmediate(resolve)); // the bootstrap refresh
      answer = () => new Promise<number>(() => undefined);
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        expect(await gauge()).toEqual([12]);
        expect(performance.now() - started).toBeLessThan(1_000);
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(await gauge()).toEqual([12]);
      expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
        'activeUsers.source did not answer within 100 ms (activeUsers.sourceTimeoutMs); prs_active_users_total keeps reporting its last value',
      ]);
    } finally {
      warn.mockRestore();
    }
  });
});

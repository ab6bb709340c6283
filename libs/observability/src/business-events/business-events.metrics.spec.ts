import 'reflect-metadata';
import { Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { context, trace } from '@opentelemetry/api';
import {
  defer,
  lastValueFrom,
  type Observable,
  of,
  retry,
  Subject,
  throwError,
} from 'rxjs';
import { ObservabilityTestingModule, TestTelemetry } from '../testing';
import { BusinessEvents } from './business-events.service';
import { TrackBusinessEvent } from './track-business-event.decorator';

const EVENTS = 'prs_business_events_total';
const TYPES = [
  'sync_return',
  'sync_throw',
  'async_resolve',
  'async_reject',
  'stream_complete',
  'stream_error',
  'stream_idle',
  'stream_retry',
  'login_check',
  'client_error',
  'faulty_classify',
  'traced',
  'user_login',
  'deal_creation',
  'payment_processing',
  'commission_calculation',
];
const RESULT = { id: 1 };
const FAILURE = new Error('boom');

@Injectable()
class Deals {
  calls: Record<string, number> = {};
  attempts = 0;
  readonly idle = new Subject<number>();

  private count(name: string): void {
    this.calls[name] = (this.calls[name] ?? 0) + 1;
  }

  @TrackBusinessEvent('sync_return')
  syncReturn(): unknown {
    this.count('syncReturn');
    return RESULT;
  }

  @TrackBusinessEvent('sync_throw')
  syncThrow(): never {
    throw FAILURE;
  }

  release: (value: unknown) => void = () => undefined;
  readonly pending = new Promise<unknown>(
    (resolve) => (this.release = resolve),
  );

  @TrackBusinessEvent('async_resolve')
  asyncResolve(): Promise<unknown> {
    return this.pending;
  }

  @TrackBusinessEvent('async_reject')
  async asyncReject(): Promise<never> {
    await Promise.resolve();
    throw FAILURE;
  }

  @TrackBusinessEvent('stream_complete')
  streamComplete(): Observable<number> {
    return of(1, 2, 3);
  }

  @TrackBusinessEvent('stream_error')
  streamError(): Observable<never> {
    return throwError(() => FAILURE);
  }

  @TrackBusinessEvent('stream_idle')
  streamIdle(): Observable<number> {
    return this.idle.asObservable();
  }

  // Fails on the first two subscriptions, then completes.
  @TrackBusinessEvent('stream_retry')
  streamRetry(): Observable<string> {
    return defer(() =>
      ++this.attempts <= 2 ? throwError(() => FAILURE) : of('paid'),
    );
  }

  @TrackBusinessEvent('login_check', {
    classify: (o) => (o.ok && o.value === false ? 'failure' : undefined),
  })
  login(password: string): boolean {
    return password === 'secret';
  }

  @TrackBusinessEvent('client_error')
  reject(): never {
    throw new UnauthorizedException();
  }

  @TrackBusinessEvent('faulty_classify', {
    classify: () => {
      throw new Error('classify bug');
    },
    attributes: () => {
      throw new Error('attributes bug');
    },
  })
  faulty(): unknown {
    this.count('faulty');
    return RESULT;
  }

  @TrackBusinessEvent('traced', {
    attributes: (args) => ({
      'deal.currency': String(args[0]),
      'deal.note': 'x'.repeat(500),
      nested: { no: 1 } as never,
    }),
  })
  traced(currency: string): never {
    throw new UnauthorizedException(currency);
  }

  @TrackBusinessEvent('made_up_type')
  undeclared(): unknown {
    return RESULT;
  }
}

describe('prs_business_events_total from @TrackBusinessEvent and BusinessEvents', () => {
  let telemetry: TestTelemetry;
  let moduleRef: TestingModule;
  let deals: Deals;
  const count = async (eventType: string, status: 'success' | 'failure') =>
    (await telemetry.metricSeries(EVENTS)).find(
      (s) => s.labels.event_type === eventType && s.labels.status === status,
    )?.value ?? 0;
  const counts = async (eventType: string) => ({
    success: await count(eventType, 'success'),
    failure: await count(eventType, 'failure'),
  });

  beforeAll(async () => {
    // Deals is not a provider: its undeclared 'made_up_type' must not fail the bootstrap.
    moduleRef = await Test.createTestingModule({
      imports: [
        ObservabilityTestingModule.forRoot({
          businessEvents: { eventTypes: TYPES },
        }),
      ],
    }).compile();
    await moduleRef.init();
    telemetry = moduleRef.get(TestTelemetry);
    deals = new Deals();
  });
  afterAll(() => moduleRef?.close());

  it('sync return: success 1, same value', async () => {
    expect(deals.syncReturn()).toBe(RESULT);
    expect(deals.calls.syncReturn).toBe(1);
    expect(await counts('sync_return')).toEqual({ success: 1, failure: 0 });
  });

  it('sync throw: failure 1, same error instance', async () => {
    let caught: unknown;
    try {
      deals.syncThrow();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(FAILURE);
    expect(await counts('sync_throw')).toEqual({ success: 0, failure: 1 });
  });

  it('async resolve: success 1 by the time the caller resumes, same Promise and value', async () => {
    const promise = deals.asyncResolve();
    expect(promise).toBe(deals.pending);
    expect(await counts('async_resolve')).toEqual({ success: 0, failure: 0 });
    deals.release(RESULT);
    await expect(promise).resolves.toBe(RESULT);
    expect(await counts('async_resolve')).toEqual({ success: 1, failure: 0 });
  });

  it('async reject: failure 1, same error instance', async () => {
    await expect(deals.asyncReject()).rejects.toBe(FAILURE);
    expect(await counts('async_reject')).toEqual({ success: 0, failure: 1 });
  });

  it('observable complete: counted at completion, once per subscription', async () => {
    const stream = deals.streamComplete();
    expect(await counts('stream_complete')).toEqual({ success: 0, failure: 0 });
    await expect(lastValueFrom(stream)).resolves.toBe(3);
    expect(await counts('stream_complete')).toEqual({ success: 1, failure: 0 });
    await lastValueFrom(stream);
    expect(await counts('stream_complete')).toEqual({ success: 2, failure: 0 });
  });

  it('observable error: failure 1, same error instance', async () => {
    await expect(lastValueFrom(deals.streamError())).rejects.toBe(FAILURE);
    expect(await counts('stream_error')).toEqual({ success: 0, failure: 1 });
  });

  it('observable never subscribed, or unsubscribed before it ends: not counted', async () => {
    deals.streamIdle();
    const subscription = deals.streamIdle().subscribe();
    deals.idle.next(1);
    subscription.unsubscribe();
    deals.idle.complete();
    expect(await counts('stream_idle')).toEqual({ success: 0, failure: 0 });
  });

  it('retry() downstream: every resubscription counts (2 failures, then 1 success)', async () => {
    await expect(
      lastValueFrom(deals.streamRetry().pipe(retry(2))),
    ).resolves.toBe('paid');
    expect(await counts('stream_retry')).toEqual({ success: 1, failure: 2 });
  });

  it('classify: a login returning false is a failure', async () => {
    expect(deals.login('secret')).toBe(true);
    expect(deals.login('wrong')).toBe(false);
    expect(deals.login('wrong')).toBe(false);
    expect(await counts('login_check')).toEqual({ success: 1, failure: 2 });
  });

  it('a 4xx HttpException is a failure by default', async () => {
    expect(() => deals.reject()).toThrow(UnauthorizedException);
    expect(await counts('client_error')).toEqual({ success: 0, failure: 1 });
  });

  it('a throwing classify or attributes function: the method runs once, returns its result, the default status is counted and each cause is logged once', async () => {
    const warn = jest
      .spyOn(Logger.prototype, 'warn')
      .mockImplementation(() => undefined);
    try {
      const span = trace.getTracer('test').startSpan('request');
      expect(
        context.with(trace.setSpan(context.active(), span), () =>
          deals.faulty(),
        ),
      ).toBe(RESULT);
      expect(deals.faulty()).toBe(RESULT);
      span.end();
      expect(deals.calls.faulty).toBe(2);
      expect(await counts('faulty_classify')).toEqual({
        success: 2,
        failure: 0,
      });
      const messages = warn.mock.calls.map((call) => String(call[0]));
      expect(messages).toEqual([
        'Recording a business event failed (classify:faulty_classify); the tracked call was not affected. ' +
          'Check the classify and attributes options of @TrackBusinessEvent() and BusinessEvents.track(): Error: classify bug',
        'Recording a business event failed (attributes:faulty_classify); the tracked call was not affected. ' +
          'Check the classify and attributes options of @TrackBusinessEvent() and BusinessEvents.track(): Error: attributes bug',
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  it('adds a capped business_event span event to the span active at the call', async () => {
    await telemetry.reset();
    const span = trace.getTracer('test').startSpan('POST /deals');
    expect(() =>
      context.with(trace.setSpan(context.active(), span), () =>
        deals.traced('EUR'),
      ),
    ).toThrow(UnauthorizedException);
    span.end();
    const exported = await telemetry.span({ name: 'POST /deals' });
    expect(exported.events).toEqual([
      {
        name: 'business_event',
        attributes: {
          'deal.currency': 'EUR',
          'deal.note': 'x'.repeat(128),
          'business_event.type': 'traced',
          'business_event.status': 'failure',
          'error.type': 'UnauthorizedException',
        },
      },
    ]);
    expect(await counts('traced')).toEqual({ success: 0, failure: 1 });
  });

  it('folds an undeclared event type into __undeclared__ and says so once', async () => {
    const warn = jest
      .spyOn(Logger.prototype, 'warn')
      .mockImplementation(() => undefined);
    try {
      deals.undeclared();
      deals.undeclared();
      expect(await counts('__undeclared__')).toEqual({
        success: 2,
        failure: 0,
      });
      expect(await counts('made_up_type')).toEqual({ success: 0, failure: 0 });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]?.[0]).toBe(
        'Business event type "made_up_type" is not declared, so it is recorded as event_type="__undeclared__". ' +
          `Add it to ObservabilityModule.forRoot({ businessEvents: { eventTypes } }) (declared: ${TYPES.join(', ')})`,
      );
    } finally {
      warn.mockRestore();
    }
  });

  it('BusinessEvents: track() and the guide helpers', async () => {
    const events = moduleRef.get(BusinessEvents);
    events.trackUserLogin(true);
    events.trackUserLogin(false);
    events.trackUserLogin();
    events.trackDealCreation();
    events.trackPaymentProcessing(false);
    events.trackCommissionCalculation(true);
    events.track('deal_creation', { success: false });
    expect(await counts('user_login')).toEqual({ success: 2, failure: 1 });
    expect(await counts('deal_creation')).toEqual({ success: 1, failure: 1 });
    expect(await counts('payment_processing')).toEqual({
      success: 0,
      failure: 1,
    });
    expect(await counts('commission_calculation')).toEqual({
      success: 1,
      failure: 0,
    });
  });
});

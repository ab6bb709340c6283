import 'reflect-metadata';
import { Injectable, Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import type { Meter } from '@opentelemetry/api';
import { lastValueFrom, type Observable, of } from 'rxjs';
import { MetricBudget } from '../metrics/instruments/metric-budget';
import type { MetricsConfig } from '../metrics/metrics-options.interface';
import { METRICS_OPTIONS } from '../metrics/metrics.constants';
import type { RunningSdk } from '../sdk/running-sdk';
import { OBSERVABILITY_SDK } from '../sdk/sdk.constants';
import { ObservabilityTestingModule } from '../testing';
import {
  getBusinessEventSink,
  setBusinessEventSink,
  type BusinessEventSink,
} from './business-event-sink';
import { BusinessEvents } from './business-events.service';
import { TrackBusinessEvent } from './track-business-event.decorator';

const METER_DOWN = new Error('meter down');
const throwing = () => {
  throw METER_DOWN;
};
// Every instrument throws on use, as a broken SDK or exporter bug would.
const throwingMeter = {
  createCounter: () => ({ add: throwing }),
  createUpDownCounter: () => ({ add: throwing }),
  createHistogram: () => ({ record: throwing }),
  createGauge: () => ({ record: throwing }),
  createObservableGauge: () => ({ addCallback: () => undefined }),
  createObservableCounter: () => ({ addCallback: () => undefined }),
  createObservableUpDownCounter: () => ({ addCallback: () => undefined }),
  addBatchObservableCallback: () => undefined,
  removeBatchObservableCallback: () => undefined,
} as unknown as Meter;

const RESULT = { id: 7 };

@Injectable()
class Payments {
  calls = 0;

  @TrackBusinessEvent('payment_processing')
  process(): unknown {
    this.calls++;
    return RESULT;
  }

  @TrackBusinessEvent('payment_processing')
  async processLater(): Promise<unknown> {
    this.calls++;
    await Promise.resolve();
    return RESULT;
  }

  @TrackBusinessEvent('payment_processing')
  stream(): Observable<unknown> {
    this.calls++;
    return of(RESULT);
  }
}

describe('a telemetry failure never reaches the business method', () => {
  let moduleRef: TestingModule;
  let payments: Payments;
  let warn: jest.SpyInstance;

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [
        ObservabilityTestingModule.forRoot({ metrics: { seriesLimit: 1 } }),
      ],
      providers: [Payments],
    })
      .overrideProvider(MetricBudget)
      .useFactory({
        factory: (config: MetricsConfig, sdk: RunningSdk) =>
          new MetricBudget(
            throwingMeter,
            sdk.tallies,
            config.prefix,
            config.seriesLimit,
          ),
        inject: [METRICS_OPTIONS, OBSERVABILITY_SDK],
      })
      .compile();
    await moduleRef.init();
    payments = moduleRef.get(Payments);
  });
  beforeEach(() => {
    warn = jest
      .spyOn(Logger.prototype, 'warn')
      .mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());
  afterAll(() => moduleRef?.close());

  it('a meter whose instruments throw: each call runs once and returns its normal result; logged once', async () => {
    // Counting itself never touches the meter (totals are tallies read at scrape
    // time); the series budget's overflow counter does, and with seriesLimit 1 the
    // second label set (payment_processing/failure) reaches it.
    expect(payments.process()).toBe(RESULT);
    await expect(payments.processLater()).resolves.toBe(RESULT);
    await expect(lastValueFrom(payments.stream())).resolves.toBe(RESULT);
    moduleRef.get(BusinessEvents).trackPaymentProcessing(false);
    moduleRef.get(BusinessEvents).trackPaymentProcessing(false);
    expect(payments.calls).toBe(3);
    // Two failures with one cause: the rate limiter logs it once.
    expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
      'Recording a business event failed (metric:payment_processing); the tracked call was not affected. ' +
        'Check the classify and attributes options of @TrackBusinessEvent() and BusinessEvents.track(): Error: meter down',
    ]);
  });

  it('a sink that throws from record() and from reportFailure(): still the normal result', async () => {
    const installed = getBusinessEventSink();
    const broken: BusinessEventSink = {
      record: throwing,
      reportFailure: throwing,
    };
    setBusinessEventSink(broken);
    try {
      const before = payments.calls;
      expect(payments.process()).toBe(RESULT);
      await expect(payments.processLater()).resolves.toBe(RESULT);
      expect(payments.calls).toBe(before + 2);
    } finally {
      setBusinessEventSink(installed);
    }
  });

  it('removes its sink when the app closes, and decorated methods run untracked after that', async () => {
    const sink = getBusinessEventSink();
    expect(sink).toBeDefined();
    await moduleRef.close();
    expect(getBusinessEventSink()).toBeUndefined();
    expect(payments.process()).toBe(RESULT);
  });
});

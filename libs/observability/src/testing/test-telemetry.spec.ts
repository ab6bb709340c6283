import { Test, type TestingModule } from '@nestjs/testing';
import { trace } from '@opentelemetry/api';
import { BusinessEvents } from '../business-events/business-events.service';
import { ObservabilityLogger } from '../logging/observability-logger';
import { ObservabilityTestingModule, TestTelemetry } from '../testing';

describe('TestTelemetry: readers and failure messages on the real module', () => {
  let moduleRef: TestingModule;
  let telemetry: TestTelemetry;
  let events: BusinessEvents;

  beforeAll(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [ObservabilityTestingModule.forRoot()],
    }).compile();
    await moduleRef.init();
    telemetry = moduleRef.get(TestTelemetry);
    events = moduleRef.get(BusinessEvents);
  });
  beforeEach(() => telemetry.reset());
  afterAll(() => moduleRef.close());

  it('counts business events since the last reset, and lists them when one is missing', async () => {
    events.trackDealCreation(true);
    events.trackDealCreation(false);
    events.trackPaymentProcessing(true);
    expect(await telemetry.businessEvents()).toEqual(
      expect.arrayContaining([
        { eventType: 'deal_creation', status: 'success', count: 1 },
        { eventType: 'deal_creation', status: 'failure', count: 1 },
        { eventType: 'payment_processing', status: 'success', count: 1 },
      ]),
    );
    await telemetry.expectBusinessEvent('deal_creation', 'failure');
    await expect(
      telemetry.expectBusinessEvent('payment_processing', 'success', 2),
    ).rejects.toThrow(
      /^Expected business event payment_processing \(success\) 2 time\(s\), but it was recorded 1 time\(s\)\. Recorded business events:\n( {2}\w+ \w+: 1\n?){3}$/,
    );

    await telemetry.reset();
    expect(await telemetry.businessEvents()).toEqual([]);
    await expect(
      telemetry.metric(telemetry.names.businessEvents, {
        event_type: 'deal_creation',
        status: 'success',
      }),
    ).resolves.toBe(0);
  });

  it('metric(): a missing name lists the recorded names; an ambiguous match lists the candidates', async () => {
    events.trackDealCreation(true);
    events.trackDealCreation(false);
    await expect(telemetry.metric('prs_deals_total')).rejects.toThrow(
      /^No series prs_deals_total was recorded\. No series of prs_deals_total at all; recorded metric names:\n(.|\n)* {2}prs_business_events_total/,
    );
    await expect(
      telemetry.metric('prs_business_events_total', {
        event_type: 'deal_creation',
      }),
    ).rejects.toThrow(
      '2 series match prs_business_events_total{event_type="deal_creation"}; name more labels:\n' +
        '  prs_business_events_total{event_type="deal_creation",status="success"} 1\n' +
        '  prs_business_events_total{event_type="deal_creation",status="failure"} 1',
    );
    await expect(
      telemetry.expectMetric(
        'prs_business_events_total',
        { event_type: 'deal_creation', status: 'success' },
        3,
      ),
    ).rejects.toThrow(
      'Expected prs_business_events_total{event_type="deal_creation",status="success"} to be 3, but it is 1. Recorded series of prs_business_events_total:\n' +
        '  prs_business_events_total{event_type="deal_creation",status="success"} 1\n' +
        '  prs_business_events_total{event_type="deal_creation",status="failure"} 1',
    );
  });

  it('log() finds JSON lines by fields and lists the lines when none matches', async () => {
    moduleRef.get(ObservabilityLogger).warn('card declined', 'Payments');
    const line = await telemetry.log({ level: 'WARNING', message: /declined/ });
    expect(line).toMatchObject({ message: 'card declined' });
    await expect(telemetry.log({ level: 'ERROR' })).rejects.toThrow(
      /^No log line matches \{"level":"ERROR"\}\. Recorded lines:\n {2}\{.*"level":"WARNING".*"message":"card declined".*\}$/,
    );
  });

  it('span() and lastRequestTrace() list the spans recorded when nothing matches', async () => {
    trace.getTracer('test').startSpan('job').end();
    expect(await telemetry.span({ name: 'job' })).toMatchObject({
      name: 'job',
      kind: 'internal',
    });
    await expect(telemetry.span({ kind: 'server' })).rejects.toThrow(
      'No span matches {"kind":"server"}. Recorded spans:\n  job [internal, unset] {}',
    );
    await expect(telemetry.lastRequestTrace()).rejects.toThrow(
      'No request was traced (no server span without a local parent). Recorded spans:\n  job [internal, unset] {}',
    );
    await telemetry.reset();
    expect(await telemetry.spans()).toEqual([]);
  });
});

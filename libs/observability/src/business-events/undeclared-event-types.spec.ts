import 'reflect-metadata';
import { Controller, Injectable, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { ObservabilityModuleOptions } from '../options/observability-options.interface';
import { ObservabilityTestingModule } from '../testing';
import { getBusinessEventSink } from './business-event-sink';
import { TrackBusinessEvent } from './track-business-event.decorator';

class BaseRefunds {
  @TrackBusinessEvent('refund_issued')
  refund(): void {}
}

@Injectable()
class Refunds extends BaseRefunds {
  @TrackBusinessEvent('payment_processing')
  @TrackBusinessEvent('chargeback')
  chargeback(): void {}
}

@Injectable()
class MoreRefunds extends BaseRefunds {}

@Controller('deals')
class DealsController {
  @Post()
  @TrackBusinessEvent('deal_created')
  create(): void {}
}

const appWith = (options: ObservabilityModuleOptions) =>
  Test.createTestingModule({
    imports: [ObservabilityTestingModule.forRoot(options)],
    providers: [Refunds, MoreRefunds],
    controllers: [DealsController],
  });

describe('undeclared event types on decorated providers and controllers', () => {
  it('fail the bootstrap with one problem per method and type, and leave no sink behind', async () => {
    const moduleRef = await appWith({}).compile();
    await expect(moduleRef.init()).rejects.toThrow(
      'ObservabilityModule options validation error (3 problems):\n' +
        '  - businessEvents.eventTypes: does not declare "chargeback", used by @TrackBusinessEvent() on Refunds.chargeback; add it to businessEvents.eventTypes\n' +
        '  - businessEvents.eventTypes: does not declare "refund_issued", used by @TrackBusinessEvent() on BaseRefunds.refund; add it to businessEvents.eventTypes\n' +
        '  - businessEvents.eventTypes: does not declare "deal_created", used by @TrackBusinessEvent() on DealsController.create; add it to businessEvents.eventTypes',
    );
    expect(getBusinessEventSink()).toBeUndefined();
  });

  it('pass once declared', async () => {
    const moduleRef = await appWith({
      businessEvents: {
        eventTypes: [
          'payment_processing',
          'chargeback',
          'refund_issued',
          'deal_created',
        ],
      },
    }).compile();
    await moduleRef.init();
    expect(getBusinessEventSink()).toBeDefined();
    await moduleRef.close();
  });
});

import {
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { TrackBusinessEvent } from '@prs/nestjs-observability';
import { DealCache } from '../cache/deal-cache.service';
import { Database } from '../database/database.service';
import { DealsRepository } from '../deals/deals.repository';
import { PaymentProcessor } from './payment-processor';
import { parsePayment } from './payment.validation';

/** A stored payment, with the deal's balance after it. */
export interface Payment {
  id: number;
  deal_id: number;
  amount: number;
  method: string;
  processor_ref: string;
  created_at: string;
  deal_outstanding?: number;
}

interface PaymentRow {
  id: number;
  deal_id: number;
  amount: string;
  method: string;
  processor_ref: string;
  created_at: Date;
}

const toPayment = (row: PaymentRow): Payment => ({
  ...row,
  amount: Number(row.amount),
  created_at: row.created_at.toISOString(),
});

@Injectable()
export class PaymentsService {
  constructor(
    private readonly db: Database,
    private readonly deals: DealsRepository,
    private readonly processor: PaymentProcessor,
    private readonly cache: DealCache,
  ) {}

  /**
   * One `payment_processing` event per attempt. The deal row is locked, the amount
   * checked against the outstanding balance (422), the processor charged (402 when it
   * declines), then the payment inserted and the balance updated, all in one
   * transaction: any failure leaves neither a payment nor a changed balance.
   */
  @TrackBusinessEvent('payment_processing')
  async process(dealId: number, body: unknown): Promise<Payment> {
    const request = parsePayment(body);
    const payment = await this.db.transaction(async (client) => {
      const deal = await this.deals.lock(client, dealId);
      if (!deal) throw new NotFoundException(`Deal ${dealId} not found`);
      if (request.amount > deal.outstanding)
        throw new UnprocessableEntityException({
          statusCode: 422,
          error: 'Unprocessable Entity',
          message: `Amount ${request.amount} exceeds the outstanding balance ${deal.outstanding}`,
          outstanding: deal.outstanding,
        });
      const ref = await this.processor.charge(request);
      const { rows } = await client.query<PaymentRow>(
        `INSERT INTO prs_demo.payments (deal_id, amount, method, processor_ref)
         VALUES ($1, $2, $3, $4) RETURNING id, deal_id, amount, method, processor_ref, created_at`,
        [dealId, request.amount, request.method, ref],
      );
      await client.query(
        'UPDATE prs_demo.deals SET paid_amount = paid_amount + $2, updated_at = now() WHERE id = $1',
        [dealId, request.amount],
      );
      const outstanding =
        Math.round((deal.outstanding - request.amount) * 100) / 100;
      return {
        ...toPayment(rows[0] as PaymentRow),
        deal_outstanding: outstanding,
      };
    });
    await this.cache.invalidate(dealId);
    return payment;
  }

  async list(dealId: number): Promise<Payment[]> {
    if (!(await this.deals.findById(dealId)))
      throw new NotFoundException(`Deal ${dealId} not found`);
    const rows = await this.db.query<PaymentRow>(
      'SELECT id, deal_id, amount, method, processor_ref, created_at FROM prs_demo.payments WHERE deal_id = $1 ORDER BY id',
      [dealId],
    );
    return rows.map(toPayment);
  }
}

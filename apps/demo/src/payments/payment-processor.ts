import { randomBytes } from 'node:crypto';
import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import type { NewPayment } from './payment.validation';

/** The test token the simulated processor declines (Stripe's name for it). */
export const DECLINED_TOKEN = 'tok_chargeDeclined';

/**
 * A simulated card/bank processor: answers after 5–30 ms (so traces show where the
 * time goes) with a processor reference, or declines `tok_chargeDeclined` cards with
 * 402 Payment Required.
 */
@Injectable()
export class PaymentProcessor {
  async charge(payment: NewPayment): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 25));
    if (payment.method === 'card' && payment.token === DECLINED_TOKEN)
      throw new HttpException(
        {
          statusCode: 402,
          error: 'Payment Required',
          message: 'Payment declined by the processor',
          decline_code: 'card_declined',
        },
        HttpStatus.PAYMENT_REQUIRED,
      );
    return `ch_${randomBytes(8).toString('hex')}`;
  }
}

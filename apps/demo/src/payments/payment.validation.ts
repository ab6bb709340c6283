import { BodyReader } from '../common/body-reader';

export const PAYMENT_METHODS = ['card', 'bank_transfer', 'cash'] as const;

/** A payment request: cards carry a processor token (`tok_visa`, `tok_chargeDeclined`). */
export interface NewPayment {
  amount: number;
  method: (typeof PAYMENT_METHODS)[number];
  token?: string;
}

const TOKEN = /^tok_[A-Za-z0-9_]+$/;

/** A valid payment request, or a 400 listing every problem. */
export function parsePayment(body: unknown): NewPayment {
  const reader = new BodyReader(body, ['amount', 'method', 'token']);
  const amount = reader.money('amount');
  const method = reader.oneOf('method', PAYMENT_METHODS);
  let token: string | undefined;
  if (method === 'card') token = reader.string('token', 5, 64, TOKEN);
  else if (reader.has('token'))
    reader.fail('token', 'is only accepted with method "card"');
  reader.done();
  return token === undefined ? { amount, method } : { amount, method, token };
}

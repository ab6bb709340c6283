import { UnprocessableEntityException } from '@nestjs/common';
import { BodyReader } from '../common/body-reader';

/** A commission run: the month (UTC) and the rate applied to the payments received. */
export interface CommissionRun {
  period: string;
  rate: number;
  from: Date;
  to: Date;
}

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DEFAULT_RATE = 0.05;

/** `{ period: 'YYYY-MM', rate?: 0.0001–0.5 }`: 400 when malformed, 422 for a future month. */
export function parseCommissionRun(
  body: unknown,
  now = new Date(),
): CommissionRun {
  const reader = new BodyReader(body, ['period', 'rate']);
  const period = reader.string('period', 7, 7, PERIOD);
  const rate = reader.has('rate')
    ? reader.number('rate', 0.0001, 0.5)
    : DEFAULT_RATE;
  reader.done();
  const [, year = '', month = ''] = PERIOD.exec(period) ?? [];
  const from = new Date(Date.UTC(Number(year), Number(month) - 1, 1));
  const to = new Date(Date.UTC(Number(year), Number(month), 1));
  if (from.getTime() > now.getTime())
    throw new UnprocessableEntityException(
      `Period ${period} has not started yet`,
    );
  return { period, rate: Math.round(rate * 10_000) / 10_000, from, to };
}

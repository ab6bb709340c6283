import { BodyReader } from '../common/body-reader';
import { DEAL_STAGES } from './deal.types';
import type { DealChanges, NewDeal } from './deals.repository';

const FIELDS = ['client', 'title', 'amount', 'currency'] as const;
const CURRENCY = /^[A-Z]{3}$/;

/** A valid new deal, or a 400 listing every problem. */
export function parseNewDeal(body: unknown): NewDeal {
  const reader = new BodyReader(body, FIELDS);
  const deal = {
    client: reader.string('client', 1, 200),
    title: reader.string('title', 1, 200),
    amount: reader.money('amount'),
    currency: reader.string('currency', 3, 3, CURRENCY),
  };
  reader.done();
  return deal;
}

/** Valid changes (at least one field), or a 400 listing every problem. */
export function parseDealChanges(body: unknown): DealChanges {
  const reader = new BodyReader(body, [...FIELDS, 'stage']);
  const changes: DealChanges = {};
  if (reader.has('client')) changes.client = reader.string('client', 1, 200);
  if (reader.has('title')) changes.title = reader.string('title', 1, 200);
  if (reader.has('amount')) changes.amount = reader.money('amount');
  if (reader.has('currency'))
    changes.currency = reader.string('currency', 3, 3, CURRENCY);
  if (reader.has('stage')) changes.stage = reader.oneOf('stage', DEAL_STAGES);
  if (Object.keys(changes).length === 0)
    reader.fail(
      '(body)',
      `must change at least one of ${[...FIELDS, 'stage'].join(', ')}`,
    );
  reader.done();
  return changes;
}

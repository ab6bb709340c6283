import { BadRequestException } from '@nestjs/common';

/** `?limit=` (1–100, default 20) and `?offset=` (≥ 0, default 0), else 400. */
export function parsePage(
  limit: string | undefined,
  offset: string | undefined,
): { limit: number; offset: number } {
  const errors: { field: string; message: string }[] = [];
  const l = limit === undefined ? 20 : Number(limit);
  const o = offset === undefined ? 0 : Number(offset);
  if (!Number.isInteger(l) || l < 1 || l > 100)
    errors.push({
      field: 'limit',
      message: 'must be an integer from 1 to 100',
    });
  if (!Number.isInteger(o) || o < 0 || o > 1_000_000)
    errors.push({
      field: 'offset',
      message: 'must be an integer from 0 to 1000000',
    });
  if (errors.length > 0)
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Validation failed',
      errors,
    });
  return { limit: l, offset: o };
}

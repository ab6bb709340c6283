import { BadRequestException } from '@nestjs/common';

/** One invalid field of a request body. */
export interface FieldError {
  field: string;
  message: string;
}

const MONEY = /^\d{1,12}(\.\d{1,2})?$/;
/**
 * C0 control characters but tab, line feed and carriage return, and DEL. Postgres refuses
 * NUL in text (22021, a 500 if it got that far); the others have no place in a name.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * Hand-written body validation that reports every problem at once:
 * `400 { statusCode, error, message: 'Validation failed', errors: [{ field, message }] }`.
 * Unknown fields are errors too, so a typo never passes silently.
 */
export class BodyReader {
  private readonly body: Record<string, unknown>;
  private readonly errors: FieldError[] = [];

  constructor(
    body: unknown,
    private readonly known: readonly string[],
  ) {
    const isObject =
      typeof body === 'object' && body !== null && !Array.isArray(body);
    this.body = isObject ? (body as Record<string, unknown>) : {};
    if (!isObject)
      this.errors.push({ field: '(body)', message: 'must be a JSON object' });
    for (const key of Object.keys(this.body))
      if (!known.includes(key))
        this.errors.push({ field: key, message: 'is not a known field' });
  }

  /** Whether the body has `field` at all. */
  has(field: string): boolean {
    return this.body[field] !== undefined;
  }

  string(field: string, min: number, max: number, pattern?: RegExp): string {
    const value = this.body[field];
    if (typeof value === 'string' && CONTROL.test(value)) {
      this.fail(field, 'must not contain control characters');
      return '';
    }
    if (
      typeof value !== 'string' ||
      value.trim().length < min ||
      value.length > max ||
      (pattern !== undefined && !pattern.test(value))
    ) {
      const shape = pattern ? ` matching ${String(pattern)}` : '';
      this.fail(
        field,
        `must be a string of ${min} to ${max} characters${shape}`,
      );
      return '';
    }
    return value.trim();
  }

  /** A positive amount with at most 2 decimals, below 10^12. */
  money(field: string): number {
    const value = this.body[field];
    if (typeof value !== 'number' || value <= 0 || !MONEY.test(String(value))) {
      this.fail(field, 'must be a positive number with at most 2 decimals');
      return 0;
    }
    return value;
  }

  number(field: string, min: number, max: number): number {
    const value = this.body[field];
    if (typeof value !== 'number' || !(value >= min && value <= max)) {
      this.fail(field, `must be a number from ${min} to ${max}`);
      return min;
    }
    return value;
  }

  oneOf<T extends string>(field: string, values: readonly T[]): T {
    const value = this.body[field];
    if (typeof value !== 'string' || !values.includes(value as T)) {
      this.fail(field, `must be one of ${values.join(', ')}`);
      return values[0] as T;
    }
    return value as T;
  }

  fail(field: string, message: string): void {
    this.errors.push({ field, message });
  }

  /** Throws the 400 when any field was invalid. */
  done(): void {
    if (this.errors.length === 0) return;
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Validation failed',
      errors: this.errors,
    });
  }
}

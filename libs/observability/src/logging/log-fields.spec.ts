import { toLogRecord } from './log-fields';
import { Redactor } from './redactor';

const redactor = new Redactor([], 4096);
const record = (message: unknown, params: unknown[], isError = false) =>
  toLogRecord(redactor, message, params, isError);

describe('toLogRecord (Nest LoggerService calls)', () => {
  it('takes a trailing string as the context', () => {
    expect(record('started', ['Bootstrap'])).toEqual({
      fields: {
        logger: 'Bootstrap',
        module: 'Bootstrap',
        function: 'Bootstrap',
      },
      message: 'started',
    });
    expect(record('plain', [])).toEqual({
      fields: {
        logger: 'app',
        module: 'app',
        function: 'app',
      },
      message: 'plain',
    });
  });

  it("reads Nest's error(message, stack, context) and error(message, undefined, context)", () => {
    const stack = 'Error: boom\n    at handler (file.js:1:1)';
    expect(record('boom', [stack, 'ExceptionsHandler'], true)).toEqual({
      fields: {
        logger: 'ExceptionsHandler',
        module: 'ExceptionsHandler',
        function: 'ExceptionsHandler',
        error: { stack },
      },
      message: 'boom',
    });
    expect(record('no stack', [undefined, 'Ctx'], true)).toEqual({
      fields: {
        logger: 'Ctx',
        module: 'Ctx',
        function: 'Ctx',
      },
      message: 'no stack',
    });
  });

  it('flattens an Error message and merges object fields, a following string being the text', () => {
    const fromError = record(new RangeError('out of range'), ['Ctx'], true);
    expect(fromError.message).toBe('out of range');
    expect(fromError.fields.error).toMatchObject({
      type: 'RangeError',
      message: 'out of range',
    });
    expect(
      record({ orderId: 7, password: 'x' }, ['order created', 'Orders']),
    ).toEqual({
      fields: {
        logger: 'Orders',
        module: 'Orders',
        function: 'Orders',
        orderId: 7,
        password: '[REDACTED]',
      },
      message: 'order created',
    });
  });

  it('moves reserved keys under data and extra arguments under args', () => {
    expect(
      record({ level: 'forged', module: 'm', message: 'text', n: 1 }, [
        { extra: true },
        'Ctx',
      ]),
    ).toEqual({
      fields: {
        logger: 'Ctx',
        module: 'Ctx',
        function: 'Ctx',
        n: 1,
        data: { level: 'forged', module: 'm' },
        args: [{ extra: true }],
      },
      message: 'text',
    });
  });
});

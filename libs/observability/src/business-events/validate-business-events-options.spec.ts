import { resolveModuleOptions } from '../options/validate-options';

describe('businessEvents options', () => {
  it('defaults to the PRS guide event types', () => {
    expect(resolveModuleOptions(undefined).businessEvents).toEqual({
      eventTypes: [
        'user_login',
        'deal_creation',
        'payment_processing',
        'commission_calculation',
      ],
    });
  });

  it('keeps declared event types', () => {
    expect(
      resolveModuleOptions({
        businessEvents: { eventTypes: ['user_login', 'refund_issued'] },
      }).businessEvents.eventTypes,
    ).toEqual(['user_login', 'refund_issued']);
  });

  it('lists every problem as path: message', () => {
    expect(() =>
      resolveModuleOptions({
        businessEvents: {
          eventTypes: ['user_login', 'User Login', 'user_login', 7],
          statuses: ['ok'],
        } as never,
      }),
    ).toThrow(
      'ObservabilityModule options validation error (4 problems):\n' +
        '  - businessEvents.statuses: unknown option (known: eventTypes)\n' +
        '  - businessEvents.eventTypes[1]: must be snake_case matching /^[a-z][a-z0-9_]*$/, at most 64 characters (got "User Login")\n' +
        '  - businessEvents.eventTypes[2]: duplicates "user_login"\n' +
        '  - businessEvents.eventTypes[3]: must be snake_case matching /^[a-z][a-z0-9_]*$/, at most 64 characters (got 7)',
    );
  });

  it('rejects an empty, oversized or non-array list and a non-object section', () => {
    expect(() =>
      resolveModuleOptions({ businessEvents: { eventTypes: [] } }),
    ).toThrow(
      '  - businessEvents.eventTypes: must be an array of 1 to 100 event types (got [])',
    );
    const many = Array.from({ length: 101 }, (_, i) => `event_${i}`);
    expect(() =>
      resolveModuleOptions({ businessEvents: { eventTypes: many } }),
    ).toThrow(
      'businessEvents.eventTypes: must be an array of 1 to 100 event types',
    );
    expect(() =>
      resolveModuleOptions({
        businessEvents: { eventTypes: 'user_login' as never },
      }),
    ).toThrow(
      '  - businessEvents.eventTypes: must be an array of 1 to 100 event types (got "user_login")',
    );
    expect(() =>
      resolveModuleOptions({ businessEvents: true as never }),
    ).toThrow(
      'ObservabilityModule options validation error (1 problem):\n  - businessEvents: must be an object',
    );
  });
});

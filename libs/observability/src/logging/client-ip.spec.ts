import { createClientIpResolver, isTrustEntry } from './client-ip';

describe('createClientIpResolver', () => {
  const xff = '198.51.100.7, 10.0.0.2, 203.0.113.9';

  it.each([
    [false, '127.0.0.1', xff, '127.0.0.1'],
    [0, '127.0.0.1', xff, '127.0.0.1'],
    [true, '127.0.0.1', xff, '198.51.100.7'],
    [1, '127.0.0.1', xff, '203.0.113.9'],
    [2, '127.0.0.1', xff, '10.0.0.2'],
    [9, '127.0.0.1', xff, '198.51.100.7'],
    [['loopback'], '127.0.0.1', xff, '203.0.113.9'],
    [
      ['loopback', '203.0.113.0/24', 'private'],
      '127.0.0.1',
      xff,
      '198.51.100.7',
    ],
    [['loopback'], '192.0.2.1', xff, '192.0.2.1'],
    [['loopback'], '::ffff:127.0.0.1', '203.0.113.9', '203.0.113.9'],
    [['loopback'], '::1', '2001:db8::7', '2001:db8::7'],
    [true, '127.0.0.1', 'unknown, 203.0.113.9', '203.0.113.9'],
    [true, '127.0.0.1', undefined, '127.0.0.1'],
    [true, '127.0.0.1', `${'1.1.1.1, '.repeat(2000)}203.0.113.9`, '1.1.1.1'],
  ] as const)(
    'trustProxy %j, peer %s, XFF %s → %s',
    (trust, remote, header, expected) => {
      const resolve = createClientIpResolver(
        trust as boolean | number | string[],
      );
      expect(resolve(remote, header)).toBe(expected);
    },
  );

  it('reports no address when the socket has none', () => {
    expect(
      createClientIpResolver(true)(undefined, '203.0.113.9'),
    ).toBeUndefined();
  });

  it.each([
    ['loopback', true],
    ['10.0.0.0/8', true],
    ['::1', true],
    ['fc00::/7', true],
    ['10.0.0.0/33', false],
    ['10.0.0.0/8/1', false],
    ['example.com', false],
    [42, false],
  ])('trust entry %j valid: %s', (entry, expected) => {
    expect(isTrustEntry(entry)).toBe(expected);
  });
});

describe('createClientIpResolver, repeated calls', () => {
  it('answers each call as a fresh resolver would, whatever the call before', () => {
    const calls: [string | undefined, string | string[] | undefined][] = [
      ['127.0.0.1', '203.0.113.9'],
      ['127.0.0.1', '203.0.113.9'],
      ['127.0.0.1', undefined],
      ['::ffff:10.0.0.1', undefined],
      ['::ffff:10.0.0.1', undefined],
      ['127.0.0.1', ['198.51.100.7', '203.0.113.9']],
      ['127.0.0.1', ['198.51.100.8']],
      [undefined, '203.0.113.9'],
      ['127.0.0.1', '203.0.113.9'],
    ];
    for (const trust of [false, true, 1, ['loopback']] as const) {
      const resolve = createClientIpResolver(
        trust as boolean | number | string[],
      );
      for (const [remote, header] of calls)
        expect(resolve(remote, header)).toBe(
          createClientIpResolver(trust as boolean | number | string[])(
            remote,
            header,
          ),
        );
    }
  });
});

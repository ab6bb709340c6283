import { PEER_RANGES } from './peer-ranges';
import { isKnownRange, satisfies } from './version-range';

describe('satisfies', () => {
  it.each([
    ['11.2.10', '^11.0.0 || ^12.0.0', true],
    ['12.6.1', '^11.0.0 || ^12.0.0', true],
    ['10.4.15', '^11.0.0 || ^12.0.0', false],
    ['13.0.0', '^11.0.0 || ^12.0.0', false],
    ['1.10.0', '>=1.10.0 <1.11.0', true],
    ['1.10.9', '>=1.10.0 <1.11.0', true],
    ['1.9.0', '>=1.10.0 <1.11.0', false],
    ['1.11.0', '>=1.10.0 <1.11.0', false],
    ['0.2.2', '^0.1.13 || ^0.2.0', true],
    ['0.3.0', '^0.1.13 || ^0.2.0', false],
    ['0.1.12', '^0.1.13 || ^0.2.0', false],
    ['7.8.2', '^7.1.0', true],
    ['v22.15.0', '>=22.15.0', true],
    ['12.0.0-rc.1', '^12.0.0', true],
    ['not a version', '^12.0.0', false],
  ])('%s in %s: %s', (version, range, expected) => {
    expect(satisfies(version, range)).toBe(expected);
  });

  it('understands every peer range of the package', () => {
    const unknown = Object.entries(PEER_RANGES).filter(
      ([, range]) => !isKnownRange(range),
    );
    expect(unknown).toEqual([]);
  });
});

/**
 * Whether `version` satisfies `range`, for the range forms our package.json uses:
 * `^x.y.z`, `>=a.b.c <d.e.f` (space-separated comparators `>=`, `>`, `<=`, `<`, `=`),
 * alternatives joined by `||`. Pre-release tags are ignored. Hand-written rather than
 * a dependency on `semver`: these few forms are all the doctor needs, and a unit test
 * checks that every peer range of the package parses.
 */
export function satisfies(version: string, range: string): boolean {
  const found = parseVersion(version);
  if (found === undefined) return false;
  return range.split('||').some((alternative) =>
    alternative
      .trim()
      .split(/\s+/)
      .every((comparator) => matches(found, comparator)),
  );
}

/** Whether every alternative of `range` uses a form {@link satisfies} understands. */
export function isKnownRange(range: string): boolean {
  return range.split('||').every((alternative) =>
    alternative
      .trim()
      .split(/\s+/)
      .every((c) => COMPARATOR.test(c)),
  );
}

type Triple = [number, number, number];

const COMPARATOR = /^(\^|>=|<=|>|<|=)?v?(\d+)\.(\d+)\.(\d+)$/;

function matches(found: Triple, comparator: string): boolean {
  const match = COMPARATOR.exec(comparator);
  if (match === null) return false;
  const wanted: Triple = [Number(match[2]), Number(match[3]), Number(match[4])];
  const order = compare(found, wanted);
  switch (match[1]) {
    case '^': {
      // Caret: the left-most non-zero part must stay the same.
      const lead = wanted.findIndex((part) => part !== 0);
      const fixed = lead === -1 ? 3 : lead + 1;
      return (
        order >= 0 && wanted.slice(0, fixed).every((p, i) => found[i] === p)
      );
    }
    case '>=':
      return order >= 0;
    case '>':
      return order > 0;
    case '<=':
      return order <= 0;
    case '<':
      return order < 0;
    default:
      return order === 0;
  }
}

function parseVersion(version: string): Triple | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  return match === null
    ? undefined
    : [Number(match[1]), Number(match[2]), Number(match[3])];
}

function compare(a: Triple, b: Triple): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

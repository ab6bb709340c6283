import { escapeLineSeparators, jsonValue, quote } from './json-line';

// JSON.stringify, plus the line separators the log line contract escapes.
const reference = (value: unknown) =>
  JSON.stringify(value)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

const controls = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i));
const hostile = [
  '',
  'plain ascii /api/items/1',
  'say "hi"',
  'back\\slash \\" \\\\',
  ...controls.map((c) => `a${c}b`),
  controls.join(''),
  '\u007f\u0080\u00ff DEL and latin-1',
  'unicode: é ü ß 日本語 中文 Ελληνικά',
  'astral: 😀 𝄞 🏳️‍🌈',
  'lone high \ud800 surrogate',
  'lone low \udc00 surrogate',
  'reversed pair \udc00\ud800',
  'high at end \udbff',
  '\udfff low at start',
  'line\u2028separator and paragraph\u2029separator',
  '</script><script>alert(1)</script>',
  '\ufeffBOM and \ufffe noncharacter',
  'a'.repeat(100_000),
  `${'x'.repeat(50_000)}"${'\n'.repeat(10)}\ud800${'y'.repeat(50_000)}`,
];

describe('quote', () => {
  it.each(hostile.map((text, i) => [i, text]))(
    'writes hostile string #%i exactly as JSON.stringify, line separators escaped',
    (_, text) => {
      expect(quote(text)).toBe(reference(text));
      expect(JSON.parse(quote(text))).toBe(text);
    },
  );

  it('matches JSON.stringify on every UTF-16 code unit', () => {
    for (let unit = 0; unit <= 0xffff; unit++) {
      const text = `<${String.fromCharCode(unit)}>`;
      if (quote(text) !== reference(text))
        throw new Error(`differs at U+${unit.toString(16)}`);
    }
  });
});

describe('jsonValue', () => {
  it.each([
    [0],
    [-0],
    [1.234],
    [0.1 + 0.2],
    [1e21],
    [-5e-324],
    [Number.MAX_SAFE_INTEGER],
    [true],
    [false],
    [null],
    [{ a: 'x\u2028y', b: [1, '"', null] }],
  ])('writes %p as JSON.stringify does', (value) => {
    expect(jsonValue(value)).toBe(reference(value));
  });

  it('writes non-finite numbers as null and leaves out what JSON has no value for', () => {
    expect([NaN, Infinity, -Infinity].map(jsonValue)).toEqual([
      'null',
      'null',
      'null',
    ]);
    expect(jsonValue(undefined)).toBeUndefined();
    expect(jsonValue(() => 1)).toBeUndefined();
  });
});

describe('escapeLineSeparators', () => {
  it('escapes only U+2028 and U+2029 and leaves other text as it is', () => {
    expect(escapeLineSeparators('{"a":"x\u2028y\u2029z"}')).toBe(
      '{"a":"x\\u2028y\\u2029z"}',
    );
    const plain = '{"a":"plain"}';
    expect(escapeLineSeparators(plain)).toBe(plain);
  });
});

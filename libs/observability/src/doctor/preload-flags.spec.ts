import { findPreloads } from './preload-flags';

describe('findPreloads', () => {
  it.each([
    [
      'node --import @prs/nestjs-observability/register dist/main.js',
      true,
      false,
    ],
    [
      'node --import=@prs/nestjs-observability/register dist/main.js',
      true,
      false,
    ],
    [
      'node --require @prs/nestjs-observability/register dist/main.js',
      false,
      true,
    ],
    ['node -r @prs/nestjs-observability/register dist/main.js', false, true],
    ["--require='@prs/nestjs-observability/register'", false, true],
    ['node --import tsx dist/main.js', false, false],
    ['node dist/main.js', false, false],
    ['', false, false],
  ])('%s', (line, imported, required) => {
    expect(findPreloads(line)).toEqual({ import: imported, require: required });
  });

  it('reads argv words (process.execArgv)', () => {
    expect(
      findPreloads(['--require', '@prs/nestjs-observability/register']),
    ).toEqual({ import: false, require: true });
  });
});

import { LogLines } from './log-lines';

describe('LogLines', () => {
  it('parses whole JSON lines across writes, keeps other text as msg, and clears', () => {
    const lines = new LogLines();
    const first = Buffer.from('{"level":"INFO","msg":"a"}\n{"level":');
    expect(lines.write(first)).toBe(first.length);
    lines.write(Buffer.from('"WARN"}\nplain text\n'));
    expect(lines.all()).toEqual([
      { level: 'INFO', msg: 'a' },
      { level: 'WARN' },
      { msg: 'plain text' },
    ]);
    lines.clear();
    expect(lines.all()).toEqual([]);
  });
});

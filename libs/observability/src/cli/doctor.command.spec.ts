import { DOCTOR_USAGE, doctorCommand } from './doctor.command';

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await doctorCommand(
    argv,
    (line) => out.push(line),
    (line) => err.push(line),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('prs-observability doctor (command line)', () => {
  it('prints its usage with --help', async () => {
    expect(await run(['--help'])).toEqual({
      code: 0,
      out: DOCTOR_USAGE,
      err: '',
    });
  });

  it.each([
    [['--timeout', 'soon'], '--timeout must be a positive number of ms'],
    [['--timeout', '0'], '--timeout must be a positive number of ms'],
    [['--url', 'localhost:3000:x'], 'not an http(s) URL: localhost:3000:x'],
    [['--otlp', 'collector'], 'not an http(s) URL: collector'],
  ])('exits 2 on %j', async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(
      result.err.startsWith(`${message}\n\nUsage: prs-observability doctor`),
    ).toBe(true);
  });

  it('exits 2 on an unknown option', async () => {
    const result = await run(['--colour']);
    expect(result.code).toBe(2);
    expect(result.err).toContain("Unknown option '--colour'");
  });
});

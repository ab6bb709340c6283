import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogPipeline } from './log-pipeline';
import { CorrelationId } from '../core/request-context';
import { resolveLoggingOptions } from './validate-logging-options';

describe('LogPipeline', () => {
  let dir: string;
  let pipeline: LogPipeline;
  const read = (name: string) =>
    readFileSync(join(dir, name), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'prs-pipeline-'));
    const options = resolveLoggingOptions(
      {
        stdout: false,
        files: {
          main: join(dir, 'app.log'),
          security: join(dir, 'security.log'),
          error: join(dir, 'errors.log'),
        },
      },
      [],
    );
    pipeline = new LogPipeline(options, () => undefined);
  });
  afterEach(() => {
    pipeline.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("leaves the request context off the SDK's own diagnostics lines", () => {
    CorrelationId.run('req-9', () => {
      pipeline.write('warn', { logger: 'Observability' }, 'export failed');
      pipeline.write('warn', { logger: 'Orders' }, 'app warning');
    });
    pipeline.flushSync();
    const [sdk, app] = read('app.log');
    expect(sdk).toMatchObject({ logger: 'Observability' });
    expect(sdk).not.toHaveProperty('correlation_id');
    expect(app).toMatchObject({ logger: 'Orders', correlation_id: 'req-9' });
  });

  it('writes the contract fields and routes channels', () => {
    CorrelationId.run('job-7', () => {
      pipeline.write('info', { logger: 'Jobs' }, 'started');
      pipeline.write('error', { logger: 'Jobs' }, 'failed');
      pipeline.writeSecurity(
        'warn',
        { event_type: 'login_failed' },
        'Security event: login_failed',
      );
    });
    pipeline.write('debug', { logger: 'Jobs' }, 'not at info');
    pipeline.flushSync();
    const main = read('app.log');
    expect(main).toEqual([
      expect.objectContaining({
        level: 'INFO',
        logger: 'Jobs',
        message: 'started',
        correlation_id: 'job-7',
      }),
      expect.objectContaining({ level: 'ERROR', message: 'failed' }),
      expect.objectContaining({
        level: 'WARNING',
        logger: 'security',
        channel: 'security',
        event_type: 'login_failed',
      }),
    ]);
    expect(main[0]?.timestamp).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
    );
    expect(read('errors.log').map((l) => l.message)).toEqual(['failed']);
    expect(read('security.log').map((l) => l.event_type)).toEqual([
      'login_failed',
    ]);
  });

  it('escapes U+2028 and U+2029 so line splitters see one line', () => {
    pipeline.write('info', { logger: 'x', field: 'a\u2028b' }, 'c\u2029d');
    pipeline.flushSync();
    const text = readFileSync(join(dir, 'app.log'), 'utf8');
    expect(text).not.toMatch(/[\u2028\u2029]/);
    expect(read('app.log')[0]).toMatchObject({
      field: 'a\u2028b',
      message: 'c\u2029d',
    });
  });

  it('writes valid UTF-8 JSON for lone surrogates, short or long', () => {
    pipeline.write(
      'info',
      { logger: 'x', short: 'a\ud800b' },
      `${'y'.repeat(200)}\udfff`,
    );
    pipeline.flushSync();
    const bytes = readFileSync(join(dir, 'app.log'));
    expect(new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toContain(
      '"short"',
    );
    expect(read('app.log')).toHaveLength(1);
  });

  it('follows level changes', () => {
    pipeline.setLevel('error');
    expect(pipeline.isLevelEnabled('warn')).toBe(false);
    expect(pipeline.isLevelEnabled('fatal')).toBe(true);
  });
});

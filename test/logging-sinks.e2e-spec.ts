import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scrape, valueOf } from './support/exposition';
import { hammer } from './support/http';
import {
  type LoggingFixture,
  parseLines,
  startLoggingFixture,
  waitForLine,
} from './support/logging-fixture';

const DROPPED = 'prs_log_records_dropped_total';

async function droppedLines(
  app: LoggingFixture,
  labels: Record<string, string>,
): Promise<number> {
  return valueOf(await scrape(app.url('/metrics')), DROPPED, labels) ?? 0;
}

/** Polls the drop counter until it exceeds `above`, for at most 10 s. */
async function droppedAbove(
  app: LoggingFixture,
  labels: Record<string, string>,
  above: number,
): Promise<number> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await droppedLines(app, labels);
    if (value > above || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('log destinations that fail', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'prs-sinks-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a full filesystem (/dev/full): requests succeed, lines are counted as dropped', async () => {
    const app = await startLoggingFixture('express', {
      logging: { files: { main: '/dev/full' } },
    });
    try {
      const first = await hammer(app.url(''), 20, (i) => `/api/items/${i}`, 4);
      expect(first).toEqual(new Map([[200, 20]]));
      const labels = { destination: 'main', reason: 'write_error' };
      const before = await droppedAbove(app, labels, 0);
      expect(before).toBeGreaterThanOrEqual(20);
      const second = await hammer(app.url(''), 20, (i) => `/api/items/${i}`, 4);
      expect(second).toEqual(new Map([[200, 20]]));
      expect(await droppedAbove(app, labels, before)).toBeGreaterThanOrEqual(
        before + 20,
      );
      // stdout, the other destination, kept every line, and says once what is wrong.
      const warnings = app
        .lines()
        .filter(
          (l) =>
            l.logger === 'Observability' &&
            /"main" are being dropped/.test(l.message),
        );
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.level).toBe('WARNING');
      expect(app.child.exitCode).toBeNull();
    } finally {
      await app.stop();
    }
  });

  it('a closed stdout pipe (EPIPE): requests succeed, the file keeps logging, drops are counted', async () => {
    const file = join(dir, 'epipe.log');
    const app = await startLoggingFixture('express', {
      logging: { files: { main: file } },
    });
    try {
      app.child.stdout?.destroy();
      const statuses = await hammer(
        app.url(''),
        30,
        (i) => `/api/items/${i}?n=${i}`,
        4,
      );
      expect(statuses).toEqual(new Map([[200, 30]]));
      const labels = { destination: 'stdout', reason: 'closed' };
      const dropped = await droppedAbove(app, labels, 0);
      expect(dropped).toBeGreaterThanOrEqual(30);
      await hammer(app.url(''), 10, (i) => `/api/items/${i}`, 2);
      expect(await droppedAbove(app, labels, dropped)).toBeGreaterThanOrEqual(
        dropped + 10,
      );
      const fileLines = () => parseLines(readFileSync(file, 'utf8'));
      await waitForLine(
        fileLines,
        (l) => l.logger === 'http' && l.request?.query === 'n=29',
      );
      expect(app.child.exitCode).toBeNull();
      expect(app.stderr()).toBe('');
    } finally {
      await app.stop();
    }
  });

  it('logging.enabled false: no correlation header or request line, the logger still writes JSON', async () => {
    const app = await startLoggingFixture('express', {
      logging: { enabled: false },
    });
    try {
      const res = await fetch(app.url('/api/items/5'));
      expect(res.status).toBe(200);
      expect(res.headers.get('x-correlation-id')).toBeNull();
      await app.waitFor((l) => l.logger === 'Items');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const lines = app.lines();
      expect(lines.filter((l) => l.logger === 'http')).toEqual([]);
      expect(
        lines.find((l) => l.logger === 'Items')?.correlation_id,
      ).toBeUndefined();
    } finally {
      await app.stop();
    }
  });

  it('rotates the main file by size, keeping maxFiles old ones', async () => {
    const file = join(dir, 'rotating.log');
    const app = await startLoggingFixture('express', {
      logging: { files: { main: { path: file, maxSize: 4096, maxFiles: 2 } } },
    });
    try {
      await hammer(
        app.url(''),
        60,
        (i) => `/api/items/${i}?last=${i === 59}`,
        1,
      );
      await waitForLine(
        () => parseLines(readFileSync(file, 'utf8')),
        (l) => l.request?.query === 'last=true',
      );
      expect(existsSync(`${file}.1`)).toBe(true);
      expect(existsSync(`${file}.2`)).toBe(true);
      expect(existsSync(`${file}.3`)).toBe(false);
      for (const name of [file, `${file}.1`, `${file}.2`]) {
        expect(statSync(name).size).toBeLessThanOrEqual(4096);
        expect(parseLines(readFileSync(name, 'utf8')).length).toBeGreaterThan(
          0,
        );
      }
    } finally {
      await app.stop();
    }
  });
});

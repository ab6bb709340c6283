// The span pipeline micro-benchmark (bench/spans.mjs, its own file): run with the bench's
// Node, read its `--json` line. A missing file or a failed run is reported, never fatal.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.mjs';

const SCRIPT = join(ROOT, 'bench', 'spans.mjs');

/** `{ ours, otel }` µs per span, or `{ missing }` saying why there are none. */
export function spanPipeline(nodeBin) {
  if (!existsSync(SCRIPT))
    return Promise.resolve({ missing: 'not measured (no bench/spans.mjs)' });
  return new Promise((resolve) => {
    execFile(
      nodeBin,
      [SCRIPT, '--json'],
      { cwd: ROOT, timeout: 180_000, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        const line = stdout
          .trim()
          .split('\n')
          .findLast((l) => l.startsWith('{'));
        try {
          if (error) throw error;
          const { ours, otel } = JSON.parse(line ?? '');
          const us = (x) => Number(x?.usPerSpan);
          if (!Number.isFinite(us(ours)))
            throw new Error('no ours.usPerSpan in its JSON');
          resolve({ ours: us(ours), otel: us(otel) });
        } catch (e) {
          const why = (
            stderr.split('\n').find((l) => /^\w*Error\b/.test(l)) ??
            e.message.split('\n')[0]
          ).slice(0, 160);
          resolve({ missing: `not measured (bench/spans.mjs failed: ${why})` });
        }
      },
    );
  });
}

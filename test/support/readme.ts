import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './fixture-process';

/** A fenced code block of a markdown file: its language, its text, and the line before it. */
export interface CodeBlock {
  lang: string;
  code: string;
  /** The last non-blank line above the opening fence (a heading, a sentence, a comment). */
  before: string;
}

/** A markdown file of the repository, by its path from the root. */
export function readDoc(path: string): string {
  return readFileSync(join(REPO_ROOT, path), 'utf8');
}

/** Every fenced code block (```lang ... ```) in `text`, in order. */
export function codeBlocks(text: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = text.split('\n');
  let last = '';
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i] ?? '');
    if (!open) {
      if ((lines[i] ?? '').trim() !== '') last = lines[i] ?? '';
      continue;
    }
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] ?? ''); i++)
      body.push(lines[i] ?? '');
    blocks.push({ lang: open[1] ?? '', code: body.join('\n'), before: last });
    last = '';
  }
  return blocks;
}

/** The text of the `## heading` (or `### heading`) section, up to the next heading of its level or above. */
export function section(text: string, heading: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex(
    (l) => /^#{2,4} /.test(l) && l.replace(/^#+ /, '') === heading,
  );
  if (start < 0) throw new Error(`no section "${heading}"`);
  const level = /^#+/.exec(lines[start] ?? '')?.[0].length ?? 2;
  let end = start + 1;
  let fenced = false; // a `# comment` in a bash block is no heading
  while (end < lines.length) {
    const line = lines[end] ?? '';
    if (line.startsWith('```')) fenced = !fenced;
    const h = fenced ? null : /^(#+) /.exec(line);
    if (h && (h[1]?.length ?? 9) <= level) break;
    end++;
  }
  return lines.slice(start, end).join('\n');
}

/**
 * The commands of a bash block, one per line as a reader would paste them: comment lines
 * dropped, a trailing `# comment` cut off.
 */
export function commandLines(code: string): string[] {
  return code
    .split('\n')
    .map((l) => l.replace(/\s+#\s.*$/, '').trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** A metric table row: name and labels as the README writes them (cells trimmed). */
export interface MetricRow {
  name: string;
  type: string;
  labels: string[];
  cells: string[];
}

/** Every table row of `text` whose first cell is a `prs_*` metric name. */
export function metricRows(text: string): MetricRow[] {
  return text
    .split('\n')
    .filter((l) => /^\|\s*`prs_/.test(l))
    .map((l) => {
      const cells = l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim());
      const labels = (cells[2] ?? '')
        .split(',')
        .map((c) => c.trim().replace(/`/g, ''))
        .filter((c) => c !== '' && c !== '—');
      return {
        name: (cells[0] ?? '').replace(/`/g, ''),
        type: cells[1] ?? '',
        labels,
        cells,
      };
    });
}

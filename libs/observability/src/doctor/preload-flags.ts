const REGISTER = '@prs/nestjs-observability/register';

/** Which flags preload the SDK's register entry in a command line or NODE_OPTIONS. */
export interface Preloads {
  /** `--import <pkg>/register` (the supported entry, CommonJS and ESM). */
  import: boolean;
  /** `--require`/`-r <pkg>/register` (misses ESM imports). */
  require: boolean;
}

/** Finds the SDK's preload flags in `line` (a start script, NODE_OPTIONS) or in argv words. */
export function findPreloads(line: string | readonly string[]): Preloads {
  const words = typeof line === 'string' ? line.split(/\s+/) : [...line];
  const found: Preloads = { import: false, require: false };
  words.forEach((word, i) => {
    const [flag, inline] = word.split('=', 2) as [string, string | undefined];
    const value = inline ?? words[i + 1] ?? '';
    if (!value.replace(/^['"]|['"]$/g, '').startsWith(REGISTER)) return;
    if (flag === '--import') found.import = true;
    if (flag === '--require' || flag === '-r') found.require = true;
  });
  return found;
}

#!/usr/bin/env node
/**
 * Import-direction ("tiers") check for the observability library.
 *
 * Every folder directly under the source root has a tier in
 * `scripts/tiers.config.mjs` (lowest first). The rules, for every relative
 * import of a non-spec `.ts` file (`import`, `import type`, `export ... from`,
 * `require()`, `import()`; package imports are ignored):
 * - a file may import files of its own folder and of folders in a strictly
 *   lower tier; same-tier siblings and higher tiers are "upward" and fail;
 * - files directly in the root are the top tier: they may import anything,
 *   and no folder file may import them;
 * - a folder that is in no tier fails, so each new folder is placed on purpose;
 * - no file-level import cycle, even inside one folder (each cycle found by a
 *   depth-first walk is printed once; fixing it may reveal another);
 * - type-only imports count; `*.spec.ts` files may import anything, but no
 *   other file may import a spec; an import that resolves to no `.ts` file
 *   under the root fails.
 *
 * To move a folder between tiers, move its name to another row of
 * `scripts/tiers.config.mjs` and run this script; it lists what the move breaks.
 *
 * Usage: node scripts/check-tiers.mjs [--root DIR]
 * (default root: `root` in the config, from the repo root). Exit 0 when clean,
 * 1 with one line per problem, 2 on bad usage.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import config from './tiers.config.mjs';

const CONFIG = 'scripts/tiers.config.mjs';
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const rootArg = args[0] === '--root' && args.length === 2 ? args[1] : null;
if (args.length > 0 && !rootArg) usage(`bad arguments: ${args.join(' ')}`);
const root = rootArg ? resolve(rootArg) : resolve(repo, config.root);
if (!existsSync(root)) usage(`no such root: ${root}`);

/** @type {Map<string, number>} folder name -> tier (row index) */
const tierOf = new Map();
config.tiers.forEach((names, tier) =>
  names.forEach((name) => {
    if (tierOf.has(name)) usage(`${CONFIG}: ${name} is in two tiers`);
    tierOf.set(name, tier);
  }),
);

const all = readdirSync(root, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
  .map((entry) => relative(root, join(entry.parentPath, entry.name)))
  .map((path) => path.split(sep).join('/'))
  .sort();
const known = new Set(all);
const isSpec = (file) => /\.(e2e-)?spec\.ts$/.test(file);
/** First path segment under the root, or null for a root-level file. */
const folderOf = (file) => (file.includes('/') ? file.split('/')[0] : null);
const describe = (file) => {
  const folder = folderOf(file);
  return folder === null
    ? `${file} (top tier)`
    : `${file} (tier ${tierOf.get(folder) ?? '?'} ${folder})`;
};

const problems = [...new Set(all.map(folderOf))]
  .filter((folder) => folder !== null && !tierOf.has(folder))
  .map(
    (folder) =>
      `unknown folder: ${folder} (folder ${folder} is not in ${CONFIG})`,
  );

/** @type {Map<string, Set<string>>} importer -> imported files */
const edges = new Map();
const sources = all.filter((file) => !isSpec(file));
for (const from of sources) {
  const text = readFileSync(join(root, from), 'utf8');
  const targets = new Set();
  const { importedFiles } = ts.preProcessFile(text, true, true);
  for (const { fileName: spec } of importedFiles) {
    if (!/^\.\.?(\/|$)/.test(spec)) continue; // a package, not our file
    const base = posix.normalize(posix.join(posix.dirname(from), spec));
    const to = [
      base,
      `${base}.ts`,
      posix.join(base, 'index.ts'),
      base.replace(/\.[cm]?js$/, '.ts'),
    ].find((candidate) => known.has(candidate));
    if (to) targets.add(to);
    else if (base === '..' || base.startsWith('../')) {
      problems.push(`outside root: ${from} imports ${spec}`);
    } else problems.push(`unresolved import: ${from} imports ${spec}`);
  }
  edges.set(from, targets);
  for (const to of targets) {
    if (isSpec(to)) problems.push(`spec import: ${from} imports ${to}`);
    const [own, their] = [folderOf(from), folderOf(to)];
    if (own === null || own === their || !tierOf.has(own)) continue;
    if (their !== null && !tierOf.has(their)) continue; // reported above
    const ownTier = tierOf.get(own);
    const theirTier = their === null ? Infinity : tierOf.get(their);
    if (theirTier < ownTier) continue;
    const kind = theirTier === ownTier ? 'same-tier' : 'upward';
    problems.push(`${kind} import: ${describe(from)} imports ${describe(to)}`);
  }
}

// Cycles: a depth-first walk; an edge back onto the walk's stack closes one.
const state = new Map(); // file -> 'open' while on the stack, then 'done'
const stack = [];
const cycles = new Set();
function walk(file) {
  state.set(file, 'open');
  stack.push(file);
  for (const to of [...(edges.get(file) ?? [])].sort()) {
    if (state.get(to) === 'open') {
      const loop = stack.slice(stack.indexOf(to));
      const first = loop.indexOf([...loop].sort()[0]); // one spelling per cycle
      const chain = [...loop.slice(first), ...loop.slice(0, first)];
      cycles.add(`cycle: ${[...chain, chain[0]].join(' -> ')}`);
    } else if (!state.has(to)) walk(to);
  }
  stack.pop();
  state.set(file, 'done');
}
sources.forEach((file) => state.has(file) || walk(file));
problems.push(...cycles);

const imports = [...edges.values()].reduce((n, targets) => n + targets.size, 0);
const counts = `${sources.length} files, ${imports} imports`;
if (problems.length === 0) {
  console.log(`tiers: ${counts}, no upward imports or cycles`);
} else {
  console.error(problems.join('\n'));
  console.error(
    `tiers: ${problems.length} problem(s) in ${counts} (tier table: ${CONFIG})`,
  );
  process.exitCode = 1;
}

function usage(message) {
  console.error(`check-tiers: ${message}`);
  console.error('usage: node scripts/check-tiers.mjs [--root DIR]');
  process.exit(2);
}

// What bench/profile.mjs (CPU) and bench/heap.mjs (allocations) share: naming where a
// profile node's code lives, and printing per-request figures as markdown tables.
import { ROOT } from './paths.mjs';

/** The package, our file (`sdk: …`) or Node's module a profile node's code lives in. */
export function where(url, functionName) {
  if (url === '')
    return functionName.startsWith('(')
      ? functionName // (idle), (garbage collector), (program), (V8 API)
      : 'native (syscalls such as writev, builtins)';
  if (url.includes('/node_modules/'))
    return /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? url;
  if (url.includes('/libs/observability/'))
    return url.replace(/.*\/libs\/observability\/dist\//, 'sdk: ');
  if (url.startsWith('node:'))
    // node:internal/async_hooks -> node: async_hooks; node:_http_server -> node: _http_server
    return `node: ${url.replace(/^node:(internal\/)?/, '').split('/')[0]}`;
  return url.replace(`file://${ROOT}/`, '');
}

/** `function  where:line`, the key of the by-function tables. */
export function functionKey({ functionName, url, lineNumber }) {
  return `${functionName || '(anonymous)'}  ${where(url, functionName)}:${lineNumber + 1}`;
}

/** Adds `value` to `key`'s entry of `map`. */
export function add(map, key, value) {
  map.set(key, (map.get(key) ?? 0) + value);
}

const us = (x) => `${x >= 0 && x < 10 ? ' ' : ''}${x.toFixed(2)}`;

/**
 * Markdown rows, largest first (the first `top`), and their sum; with `base` (bare's
 * figures), what `rows` adds over it beside both. `unit` heads the first column.
 */
export function table({
  title,
  rows,
  base,
  variant,
  top,
  unit = 'µs/req',
  format = us,
}) {
  const keys = [...new Set([...rows.keys(), ...(base?.keys() ?? [])])].filter(
    (k) => !k.startsWith('(idle)'),
  );
  const of = (map, k) => map?.get(k) ?? 0;
  const value = (k) => of(rows, k) - of(base, k);
  const sum = (f) => keys.reduce((a, k) => a + f(k), 0);
  const cells = (f) =>
    base
      ? `| ${format(f(value))} | ${format(f((k) => of(rows, k)))} | ${format(f((k) => of(base, k)))} |`
      : `| ${format(f(value))} |`;
  const row = (k) => cells((g) => g(k));
  return [
    base
      ? `| ${unit} added | ${variant} | bare | ${title} |`
      : `| ${unit} | ${title} |`,
    base ? '|---:|---:|---:|---|' : '|---:|---|',
    ...keys
      .sort((a, b) => value(b) - value(a))
      .slice(0, top)
      .map((k) => `${row(k)} ${k.replaceAll('|', '\\|')} |`),
    `${cells((g) => sum(g))} all but (idle) |`,
  ].join('\n');
}

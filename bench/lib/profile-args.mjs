// The command line shared by bench/profile.mjs and bench/heap.mjs:
// <variant> <express|fastify> [seconds] [--vs-bare] [--top N] [--warmup s]
// [--node 22 | --node-bin <path>] [--flags="--max-semi-space-size=8 ..."], plus each
// script's own valued flags (`extraValued`).
import { resolveNode } from './runtime.mjs';
import { variantOf } from './variants.mjs';

export function profileArgs(argv, { defaults, extraValued = [] }) {
  const option = (name) => {
    const i = argv.indexOf(name);
    return i === -1 ? undefined : argv[i + 1];
  };
  // Flags followed by a value; the positional arguments are the rest.
  const valued = ['--top', '--warmup', '--node', '--node-bin', ...extraValued];
  const [
    variant = defaults.variant,
    adapter = defaults.adapter,
    seconds = defaults.seconds,
  ] = argv.filter(
    (a, i) => !a.startsWith('--') && !valued.includes(argv[i - 1]),
  );
  variantOf(variant);
  return {
    option,
    variant,
    adapter,
    seconds,
    vsBare: argv.includes('--vs-bare') && variant !== 'bare',
    top: Number(option('--top') ?? 25),
    // As the bench: the steady state, not V8's JIT warm-up.
    warmup: Number(option('--warmup') ?? 5),
    node: resolveNode(argv),
    // --flags="--max-semi-space-size=8 ...": V8/Node flags for the app (bare's run too).
    flags: (argv.find((a) => a.startsWith('--flags='))?.slice(8) ?? '')
      .split(' ')
      .filter(Boolean),
  };
}

import { isWrapped } from '@opentelemetry/instrumentation';

const ORIGINAL = Symbol.for('@prs/nestjs-observability:chained-original');

type Fn = (this: unknown, ...args: never[]) => unknown;
type Patched = Fn & { [ORIGINAL]?: Fn };

/**
 * Replaces `target[name]` with `wrap(current)` without shimmer's `__wrapped` marker.
 * OpenTelemetry's contrib instrumentations unwrap anything marked `__wrapped` before
 * wrapping (so two `_wrap`s of one method keep only the last); an unmarked wrapper is
 * chained with theirs instead, in whichever order the two are applied.
 */
export function chainPatch<T extends Fn>(
  target: Record<string, unknown>,
  name: string,
  wrap: (original: T) => T,
): void {
  const current = target[name] as Patched | undefined;
  if (typeof current !== 'function' || current[ORIGINAL] !== undefined) return;
  const patched = wrap(current as T) as Patched;
  Object.defineProperty(patched, ORIGINAL, { value: current });
  target[name] = patched;
}

/** Undoes {@link chainPatch} when our wrapper is still the outermost. */
export function chainUnpatch(
  target: Record<string, unknown>,
  name: string,
): void {
  const current = target[name] as Patched | undefined;
  const original = current?.[ORIGINAL];
  if (original !== undefined) target[name] = original;
}

/**
 * Whether `fn` was patched at load time: by an OpenTelemetry instrumentation (its public
 * `isWrapped`, shimmer's marker) when `tracing`, else by {@link chainPatch}; chained
 * wrappers are looked through.
 */
export function isInstrumented(fn: unknown, tracing: boolean): boolean {
  let current = fn as Patched | undefined;
  for (let depth = 0; typeof current === 'function' && depth < 8; depth++) {
    if (tracing ? isWrapped(current) : ORIGINAL in current) return true;
    current = current[ORIGINAL];
  }
  return false;
}

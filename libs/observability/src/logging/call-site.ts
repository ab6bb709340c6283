/** Where a log call was made: the calling function (`DealsService.create`) and line. */
export interface CallSite {
  function: string | undefined;
  line: number;
}

// `    at [async ]Name.method [as alias] (file:line:col)` or `    at file:line:col`.
const FRAME =
  /^\s*at (?:async )?(?:(.+?)(?: \[as [^\]]+\])? \((.+):(\d+):\d+\)|(.+):(\d+):\d+)$/;
// Frames of the logger itself: ours, and Nest's `Logger` that forwards to it.
const LOGGER_FRAME =
  /ObservabilityLogger\.|[\\/]@nestjs[\\/]common[\\/]services[\\/]logger\.service\.|\(node:/;
const DEPTH = 16;

/**
 * The first stack frame outside the logger, above `below` (excluded with everything it
 * called). Costs one stack capture (a few microseconds), which is why `logging.callSite`
 * is off by default. Lines are the running JavaScript's, or the TypeScript source's under
 * `node --enable-source-maps`.
 */
export function callSite(
  below: (...args: never[]) => unknown,
): CallSite | undefined {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = DEPTH;
  try {
    Error.captureStackTrace(holder, below);
  } finally {
    Error.stackTraceLimit = limit;
  }
  for (const frame of (holder.stack ?? '').split('\n').slice(1)) {
    if (LOGGER_FRAME.test(frame)) continue;
    const match = FRAME.exec(frame);
    if (match === null) continue;
    const name = match[1];
    return {
      function:
        name === undefined ||
        name === '<anonymous>' ||
        name === 'Object.<anonymous>'
          ? undefined
          : name.replace(/^new /, ''),
      line: Number(match[3] ?? match[5]),
    };
  }
  return undefined;
}

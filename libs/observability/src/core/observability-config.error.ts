/** One problem found while validating configuration: where, and what is wrong. */
export interface ConfigProblem {
  /** Dotted option path, e.g. `metrics.port`. */
  path: string;
  /** What is wrong and what is expected. */
  message: string;
}

/**
 * Thrown at bootstrap when options are invalid. Lists every problem at once,
 * one `path: message` per line, so a single restart fixes them all.
 */
export class ObservabilityConfigError extends Error {
  /** What was validated (`Observability SDK`, `ObservabilityModule`). */
  declare readonly source: string;
  /** Every problem found. */
  declare readonly problems: readonly ConfigProblem[];

  constructor(source: string, problems: readonly ConfigProblem[]) {
    super(
      `${source} validation error (${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}):\n` +
        problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n'),
    );
    // Not enumerable: Node prints an uncaught error's own enumerable properties after
    // its stack, which listed every problem a second time.
    Object.defineProperties(this, {
      name: { value: 'ObservabilityConfigError', configurable: true },
      source: { value: source },
      problems: { value: problems },
    });
  }
}

import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import type { SloOptions } from './slo-options.interface';

/**
 * Reads a `slos.yaml` (or JSON) declaration for the `slo` module option and the
 * `prs-observability slo-rules` generator. Only parses: the module validates it at
 * startup and the generator before writing, each listing every problem.
 *
 * @example
 * ```ts
 * ObservabilityModule.forRoot({ slo: readSloFile(join(__dirname, '../slos.yaml')) })
 * ```
 */
export function readSloFile(path: string): SloOptions {
  return load(readFileSync(path, 'utf8')) as SloOptions;
}

import type { ProbeResult } from '../check-outcome';
import type { ApplicationCheck } from '../health-targets.interface';

/**
 * Runs the user's application check; its fields join the report. Without a callback
 * the check reports the process itself, which is up if it can answer.
 */
export class ApplicationProbe {
  constructor(private readonly check: ApplicationCheck | undefined) {}

  async run(signal: AbortSignal): Promise<ProbeResult> {
    const result = this.check ? await this.check(signal) : undefined;
    const fields =
      result !== null && typeof result === 'object' && !Array.isArray(result)
        ? result
        : {};
    return {
      healthy: true,
      data: { ...fields, details: 'Application health OK' },
    };
  }
}

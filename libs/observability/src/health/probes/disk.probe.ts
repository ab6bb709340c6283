import { statfs } from 'node:fs/promises';
import type { ProbeResult } from '../check-outcome';
import type { ResolvedHealthOptions } from '../resolved-health-options';
import { percent } from './round';

type DiskConfig = NonNullable<ResolvedHealthOptions['disk']>;

/**
 * Free space (blocks available to the app's user) of the main path and, when set, the
 * log path. A path that cannot be measured makes the check `down` with the reason; the
 * guide's version reported healthy when it could not look.
 */
export class DiskProbe {
  constructor(private readonly config: DiskConfig) {}

  async run(): Promise<ProbeResult> {
    const { path, logPath, minFreePercent } = this.config;
    const main = await freePercent(path);
    const log = logPath === undefined ? undefined : await freePercent(logPath);
    const data: Record<string, unknown> = {};
    const errors: string[] = [];
    for (const [key, name, result] of [
      ['main_disk_free_percent', path, main],
      ['log_disk_free_percent', logPath, log],
    ] as const) {
      if (result === undefined || name === undefined) continue;
      if (typeof result === 'string') {
        errors.push(`cannot read free space of ${name} (${result})`);
      } else {
        data[key] = result;
        if (result < minFreePercent)
          errors.push(`${result}% free on ${name} is below ${minFreePercent}%`);
      }
    }
    const healthy = errors.length === 0;
    const measured =
      typeof main === 'number'
        ? `Disk space: ${main.toFixed(1)}% free`
        : 'Could not check disk space';
    return {
      healthy,
      data: {
        ...data,
        ...(healthy ? {} : { error: errors.join('; ') }),
        details: measured,
      },
    };
  }
}

/** Free percentage, or the error code when the filesystem cannot be read. */
async function freePercent(path: string): Promise<number | string> {
  try {
    const stats = await statfs(path);
    return percent(stats.bavail, stats.blocks);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? code : 'error';
  }
}

import type { ConfigProblem } from '../core/observability-config.error';
import { type Env, nonEmpty } from './env';

/** The head sampler the SDK installs: ParentBased or not, and its ratio of new traces. */
export interface ResolvedSampler {
  parentBased: boolean;
  ratio: number;
}

const SAMPLERS: Record<string, { parentBased: boolean; ratio?: number }> = {
  always_on: { parentBased: false, ratio: 1 },
  always_off: { parentBased: false, ratio: 0 },
  traceidratio: { parentBased: false },
  parentbased_always_on: { parentBased: true, ratio: 1 },
  parentbased_always_off: { parentBased: true, ratio: 0 },
  parentbased_traceidratio: { parentBased: true },
};

/** Applies `traces.sampleRatio` > `OTEL_TRACES_SAMPLER`/`OTEL_TRACES_SAMPLER_ARG` > ratio 1. */
export function resolveSampler(
  sampleRatio: number | undefined,
  env: Env,
  problems: ConfigProblem[],
): ResolvedSampler {
  if (sampleRatio !== undefined) {
    if (
      typeof sampleRatio !== 'number' ||
      !(sampleRatio >= 0 && sampleRatio <= 1)
    ) {
      problems.push({
        path: 'traces.sampleRatio',
        message: `must be a number from 0 to 1 (got ${JSON.stringify(sampleRatio)})`,
      });
    }
    return { parentBased: true, ratio: sampleRatio };
  }
  const name =
    nonEmpty(env.OTEL_TRACES_SAMPLER)?.toLowerCase() ??
    'parentbased_traceidratio';
  const sampler = SAMPLERS[name];
  if (sampler === undefined) {
    problems.push({
      path: 'OTEL_TRACES_SAMPLER',
      message: `must be one of ${Object.keys(SAMPLERS).join(', ')} (got ${JSON.stringify(env.OTEL_TRACES_SAMPLER)})`,
    });
    return { parentBased: true, ratio: 1 };
  }
  if (sampler.ratio !== undefined)
    return { parentBased: sampler.parentBased, ratio: sampler.ratio };
  const arg = nonEmpty(env.OTEL_TRACES_SAMPLER_ARG);
  const ratio = arg === undefined ? 1 : Number(arg);
  if (!(ratio >= 0 && ratio <= 1)) {
    problems.push({
      path: 'OTEL_TRACES_SAMPLER_ARG',
      message: `must be a number from 0 to 1 (got ${JSON.stringify(arg)})`,
    });
  }
  return { parentBased: sampler.parentBased, ratio };
}

/**
 * The startup warning for an SDK that head-samples below 100 % while it feeds a
 * tail-sampling Collector gateway (`traces.tailSampling`): the gateway can keep every
 * error and slow trace only if the app sends them all. `undefined` when nothing is wrong.
 */
export function tailSamplingWarning(traces: {
  exporter: string;
  sampler: ResolvedSampler;
  tailSampling: boolean;
}): string | undefined {
  if (!traces.tailSampling || traces.exporter === 'none') return undefined;
  if (traces.sampler.ratio >= 1) return undefined;
  const percent = Math.round(traces.sampler.ratio * 10_000) / 100;
  return (
    `traces.tailSampling is on (PRS_TRACES_TAIL_SAMPLING) but the SDK itself samples ` +
    `${percent} % of new traces (traces.sampleRatio / OTEL_TRACES_SAMPLER_ARG): the ` +
    `Collector's tail sampling never sees the other traces, so errors and slow requests ` +
    `among them are lost. Sample 100 % in the app (OTEL_TRACES_SAMPLER=parentbased_always_on) ` +
    `and let the gateway choose.`
  );
}

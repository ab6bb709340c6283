import type { ConfigProblem } from '../core/observability-config.error';
import { DiagnosticReporter } from './diagnostics';
import { tailSamplingWarning } from './sampling-options';
import { resolveTraceOptions } from './trace-options';

function resolve(
  options: Parameters<typeof resolveTraceOptions>[0],
  env: Record<string, string>,
) {
  const problems: ConfigProblem[] = [];
  const resolved = resolveTraceOptions(options, env, problems);
  return { resolved, problems };
}

describe('traces.tailSampling', () => {
  it('option > PRS_TRACES_TAIL_SAMPLING > false; a bad value is a problem', () => {
    expect(resolve({}, {}).resolved.tailSampling).toBe(false);
    expect(
      resolve({}, { PRS_TRACES_TAIL_SAMPLING: 'true' }).resolved.tailSampling,
    ).toBe(true);
    expect(
      resolve({ tailSampling: false }, { PRS_TRACES_TAIL_SAMPLING: 'true' })
        .resolved.tailSampling,
    ).toBe(false);
    expect(resolve({}, { PRS_TRACES_TAIL_SAMPLING: 'yes' }).problems).toEqual([
      {
        path: 'PRS_TRACES_TAIL_SAMPLING',
        message: 'must be "true" or "false" (got "yes")',
      },
    ]);
  });

  it('warns when the SDK head-samples below 100 % while feeding a tail-sampling gateway', () => {
    const { resolved } = resolve(
      { tailSampling: true },
      { OTEL_TRACES_SAMPLER_ARG: '0.25' },
    );
    const warning = tailSamplingWarning(resolved);
    expect(warning).toContain('samples 25 % of new traces');
    expect(warning).toContain('OTEL_TRACES_SAMPLER=parentbased_always_on');

    // It reaches the reporter's sink as one warning, the way startObservability() sends it.
    const lines: { message: string; level?: string }[] = [];
    const reporter = new DiagnosticReporter();
    reporter.setSink((message, level) => lines.push({ message, level }));
    reporter.warn('tail-sampling', warning ?? '');
    expect(lines).toEqual([{ message: warning, level: 'warn' }]);
  });

  it('stays quiet at 100 %, without tail sampling, and with tracing off', () => {
    expect(
      tailSamplingWarning(resolve({ tailSampling: true }, {}).resolved),
    ).toBe(undefined);
    expect(
      tailSamplingWarning(resolve({ sampleRatio: 0.1 }, {}).resolved),
    ).toBeUndefined();
    expect(
      tailSamplingWarning(
        resolve({ tailSampling: true, sampleRatio: 0.1, exporter: 'none' }, {})
          .resolved,
      ),
    ).toBeUndefined();
    expect(
      tailSamplingWarning(
        resolve({ tailSampling: true }, { OTEL_TRACES_SAMPLER: 'always_off' })
          .resolved,
      ),
    ).toContain('samples 0 % of new traces');
  });
});

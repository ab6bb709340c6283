import type { IdGenerator } from '@opentelemetry/sdk-trace';

const ID_BUFFER = Buffer.allocUnsafe(16);

/**
 * The tracer provider's id generator: random ids like OpenTelemetry's own, except that
 * the server hook can choose the next trace id. The hook asks the configured sampler
 * about a request *before* any span exists (an unsampled request then costs no span
 * at all); a sampled one is started with the very trace id the sampler saw, so
 * TraceIdRatio decides once, on the id the trace is exported under.
 */
export class PresetIdGenerator implements IdGenerator {
  private preset: string | undefined;

  /** The trace id the next `generateTraceId()` returns; `undefined` clears it. */
  presetTraceId(traceId: string | undefined): void {
    this.preset = traceId;
  }

  generateTraceId(): string {
    const preset = this.preset;
    if (preset === undefined) return randomId(16);
    this.preset = undefined;
    return preset;
  }

  generateSpanId(): string {
    return randomId(8);
  }
}

/** Random lowercase hex of `bytes` bytes, never all zeros (an invalid id). */
export function randomId(bytes: 8 | 16): string {
  let any = 0;
  for (let i = 0; i < bytes; i += 4) {
    const word = (Math.random() * 0x1_0000_0000) >>> 0;
    ID_BUFFER.writeUInt32BE(word, i);
    any |= word;
  }
  if (any === 0) ID_BUFFER[bytes - 1] = 1;
  return ID_BUFFER.toString('hex', 0, bytes);
}

const PRESET_IDS = Symbol.for('@prs/nestjs-observability:preset-ids');
type GlobalWithIds = typeof globalThis & { [PRESET_IDS]?: PresetIdGenerator };

/**
 * The one id generator of the process, on `globalThis` like the running SDK: the
 * preload's copy of this package builds the provider with it, the app's copy presets it.
 */
export function presetIds(): PresetIdGenerator {
  return ((globalThis as GlobalWithIds)[PRESET_IDS] ??=
    new PresetIdGenerator());
}

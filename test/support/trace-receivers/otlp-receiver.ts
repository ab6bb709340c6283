import { decodeOtlpBody, otlpTypes } from './otlp-decode';
import {
  startHttpReceiver,
  type HttpTraceReceiver,
  type ReceiverMode,
} from './receiver-core';

export type OtlpReceiver = HttpTraceReceiver;

/**
 * An in-process OTLP/HTTP trace collector on `http://127.0.0.1:<port>/v1/traces`.
 *
 * Accepts `application/x-protobuf` (decoded with the official, vendored opentelemetry-proto
 * definitions) and `application/json` (OTLP/JSON: hex ids, numeric enums, int64 as string or
 * number), optionally gzip/deflate-encoded, and answers 200 with an empty
 * `ExportTraceServiceResponse` in the request's encoding. Unknown content types get 415,
 * undecodable bodies 400 (see `requests()[i].error`).
 *
 * Fault modes (also switchable later with `setMode`): `blackhole` accepts the request and never
 * answers; `failWith` answers that status without decoding; `delayMs` holds the answer.
 */
export function startOtlpReceiver(
  options: ReceiverMode = {},
): Promise<OtlpReceiver> {
  otlpTypes(); // load the .proto files up front so a broken definition fails fast
  return startHttpReceiver({
    path: '/v1/traces',
    mode: options,
    decode: decodeOtlpBody,
  });
}

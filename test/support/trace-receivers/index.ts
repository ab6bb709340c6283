export * from './received-span';
export { type HttpTraceReceiver, type ReceiverMode } from './receiver-core';
export { type SpanCondition, type TraceReceiver } from './span-store';
export { startOtlpReceiver, type OtlpReceiver } from './otlp-receiver';
export {
  startJaegerHttpReceiver,
  startJaegerUdpReceiver,
  type JaegerHttpReceiver,
  type JaegerUdpReceiver,
} from './jaeger-receiver';

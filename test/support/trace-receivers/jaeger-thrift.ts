import { dirname, join } from 'node:path';

/* thriftrw ships no typings; this is the slice of its API used here. */
export interface ReadResult<T> {
  err: Error | null;
  value: T;
  offset: number;
}
interface ThriftModel {
  Batch: {
    rw: { readFrom(buffer: Buffer, offset: number): ReadResult<Batch> };
  };
  Agent: {
    emitBatch: {
      argumentsMessageRW: {
        readFrom(buffer: Buffer, offset: number): ReadResult<AgentMessage>;
      };
    };
  };
}
type ThriftCtor = new (options: {
  entryPoint: string;
  allowFilesystemAccess: boolean;
  strict?: boolean;
}) => ThriftModel;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Thrift } = require('thriftrw') as { Thrift: ThriftCtor };

/* jaeger.thrift, as thriftrw decodes it: i64 → 8-byte Buffer, enums → their names. */
export interface Tag {
  key: string;
  vType: 'STRING' | 'DOUBLE' | 'BOOL' | 'LONG' | 'BINARY';
  vStr: string | null;
  vDouble: number | null;
  vBool: boolean | null;
  vLong: Buffer | null;
  vBinary: Buffer | null;
}
export interface JaegerSpan {
  traceIdLow: Buffer;
  traceIdHigh: Buffer;
  spanId: Buffer;
  parentSpanId: Buffer;
  operationName: string;
  references: { refType: 'CHILD_OF' | 'FOLLOWS_FROM'; spanId: Buffer }[] | null;
  startTime: Buffer;
  duration: Buffer;
  tags: Tag[] | null;
  logs: { timestamp: Buffer; fields: Tag[] }[] | null;
}
export interface Batch {
  process: { serviceName: string; tags: Tag[] | null };
  spans: JaegerSpan[];
}
interface AgentMessage {
  name: string;
  type: string;
  body: { batch: Batch };
}

/** The official Jaeger IDL as shipped by jaeger-client (the exporter's own dependency). */
const IDL_DIR = join(
  dirname(require.resolve('jaeger-client/package.json')),
  'dist/src/jaeger-idl/thrift',
);

let jaeger: ThriftModel | undefined;
let agent: ThriftModel | undefined;

/** jaeger.thrift (strict) for collector batches; agent.thrift for UDP `Agent.emitBatch`. */
export function jaegerModels(): { jaeger: ThriftModel; agent: ThriftModel } {
  jaeger ??= new Thrift({
    entryPoint: join(IDL_DIR, 'jaeger.thrift'),
    allowFilesystemAccess: true,
  });
  // agent.thrift includes zipkincore.thrift, whose fields lack required/optional markers;
  // thriftrw only accepts that with strict: false. The files themselves are unmodified.
  agent ??= new Thrift({
    entryPoint: join(IDL_DIR, 'agent.thrift'),
    allowFilesystemAccess: true,
    strict: false,
  });
  return { jaeger, agent };
}

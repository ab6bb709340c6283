import { ObservabilityBootstrapError } from './observability-bootstrap.error';
import {
  assertSupportedRuntime,
  isSupportedNode,
  MIN_NODE_VERSION,
} from './supported-runtime';

describe('supported runtime', () => {
  it.each(['22.15.0', 'v22.15.1', '22.20.0', '24.0.0', '26.1.0', '23.0.0'])(
    'accepts Node %s',
    (version) => expect(isSupportedNode(version)).toBe(true),
  );

  it.each(['20.20.2', 'v20.19.0', '22.14.9', '22.0.0', '18.20.0'])(
    'refuses Node %s',
    (version) => expect(isSupportedNode(version)).toBe(false),
  );

  it('names the found and the required version in one message', () => {
    expect(() => assertSupportedRuntime('20.20.2')).toThrow(
      ObservabilityBootstrapError,
    );
    expect(() => assertSupportedRuntime('20.20.2')).toThrow(
      `@prs/nestjs-observability needs Node.js >= ${MIN_NODE_VERSION} (22.15 or later, 24, 26); this process runs Node.js 20.20.2.`,
    );
  });

  it('passes on the Node running the tests', () => {
    expect(() => assertSupportedRuntime()).not.toThrow();
  });
});

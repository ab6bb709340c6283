import { messages } from './messages';
import { ObservabilityBootstrapError } from './observability-bootstrap.error';

/** Oldest Node.js the SDK runs on: OpenTelemetry JS 3.x needs 22.15. */
export const MIN_NODE_VERSION = '22.15.0';

/** Whether `version` (`22.15.0`, `v24.1.0`) is at least {@link MIN_NODE_VERSION}. */
export function isSupportedNode(version: string): boolean {
  const found = parse(version);
  const min = parse(MIN_NODE_VERSION);
  for (let i = 0; i < 3; i++) {
    if (found[i]! !== min[i]!) return found[i]! > min[i]!;
  }
  return true;
}

/**
 * Throws {@link ObservabilityBootstrapError} naming the found and required versions
 * when this process runs an unsupported Node.js. The SDK's entry points call it before
 * they load OpenTelemetry, so the error is ours and not a failure deep inside a package.
 */
export function assertSupportedRuntime(
  version: string = process.versions.node,
): void {
  if (!isSupportedNode(version))
    throw new ObservabilityBootstrapError(
      messages.unsupportedNode(version, MIN_NODE_VERSION),
    );
}

function parse(version: string): [number, number, number] {
  const [major = 0, minor = 0, patch = 0] = version
    .replace(/^v/, '')
    .split('.')
    .map((part) => Number.parseInt(part, 10) || 0);
  return [major, minor, patch];
}

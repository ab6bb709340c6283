/**
 * Imported first by the entry points that start the SDK (`register`, `sdk`): fails
 * with one clear message on an unsupported Node.js before OpenTelemetry is loaded.
 */
import { assertSupportedRuntime } from './supported-runtime';

assertSupportedRuntime();

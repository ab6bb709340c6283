/**
 * Preload entry: `node --import @prs/nestjs-observability/register dist/main.js`.
 * Starts the SDK from `OTEL_*` environment variables before the app's first import,
 * so pg, ioredis, express and fastify are patched when they load.
 */
// First: on an unsupported Node.js, fail with one clear message before OpenTelemetry loads.
import './core/runtime-guard';
import { startObservability } from './start-observability';

startObservability();

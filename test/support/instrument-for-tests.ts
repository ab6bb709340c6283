// Imported first by in-process specs that want pg/ioredis telemetry: the Jest
// `setupFiles` of a user's project, as one module of a spec file.
import { instrumentForTests } from '@prs/nestjs-observability/testing';

instrumentForTests();

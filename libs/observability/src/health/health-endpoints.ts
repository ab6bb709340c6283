import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { RateLimitedLogger } from '../core/rate-limited-logger';
import { DirectRoutes } from '../http/direct-routes';
import { createAuthorizationCheck } from '../metrics/metrics-auth';
import { HEALTH_OPTIONS } from './health.constants';
import type { HealthConfig } from './resolved-health-options';
import { HealthLifecycleService } from './health-lifecycle.service';
import {
  type HealthResponse,
  HealthReportService,
} from './health-report.service';
import { responder } from './health-response';

type Kind = 'full' | 'ready' | 'live';

/**
 * Serves the probes at the HTTP server, before Nest routing (outside the global prefix,
 * guards and interceptors), on Express and Fastify alike. Details follow `health.details`.
 */
@Injectable()
export class HealthEndpoints implements OnModuleInit {
  private readonly log = new RateLimitedLogger(new Logger('Observability'));
  private readonly authorized: (header: string | undefined) => boolean;

  constructor(
    private readonly routes: DirectRoutes,
    private readonly report: HealthReportService,
    private readonly lifecycle: HealthLifecycleService,
    @Inject(HEALTH_OPTIONS)
    private readonly options: HealthConfig,
  ) {
    const { token } = options;
    this.authorized =
      token === undefined
        ? () => false
        : createAuthorizationCheck({ bearerToken: token });
  }

  onModuleInit(): void {
    const { enabled, paths } = this.options;
    if (!enabled) return;
    for (const kind of ['full', 'ready', 'live'] as const) {
      this.routes.register(paths[kind], (req, res) =>
        this.serve(kind, req, res),
      );
    }
  }

  private serve(kind: Kind, req: IncomingMessage, res: ServerResponse): void {
    const send = responder(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(405, { status: 'method not allowed' }, { allow: 'GET, HEAD' });
      return;
    }
    if (kind === 'live') {
      send(200, { status: 'alive' });
      return;
    }
    if (kind === 'ready' && this.lifecycle.draining) {
      send(503, { status: 'shutting_down', error: 'shutting down' });
      return;
    }
    const detailed = this.detailed(req);
    const answer: Promise<HealthResponse> =
      kind === 'full'
        ? this.report.full(detailed)
        : this.report.ready(detailed);
    answer.then(
      ({ statusCode, body }) => send(statusCode, body),
      () => {
        // Unreachable by design (checks never throw); still answer, without the error.
        this.log.warn(
          'health-report',
          `Building the ${kind} health report failed`,
        );
        send(503, {
          status: kind === 'full' ? 'unhealthy' : 'not ready',
          error: 'health report failed',
        });
      },
    );
  }

  private detailed(req: IncomingMessage): boolean {
    const policy = this.options.details;
    return (
      policy === 'always' ||
      (policy === 'when-authorized' &&
        this.authorized(req.headers.authorization))
    );
  }
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import type { RateLimitedLogger } from '../core/rate-limited-logger';
import { messages } from '../core/messages';
import type { MetricsAuthOptions } from './metrics-options.interface';
import { authChallenge, createAuthorizationCheck } from './metrics-auth';
import {
  EXPOSITION_CONTENT_TYPES,
  type ExpositionFormat,
  negotiateExposition,
  writeExposition,
} from './exposition';

const COLLECT_TIMEOUT_MS = 5_000;

/**
 * Answers Prometheus scrapes: collects from the SDK's pull reader and writes OpenMetrics
 * (with exemplars) when the scraper's `Accept` prefers it, text format 0.0.4 otherwise.
 * Unauthorized scrapes get 401 and no metric bytes; a failed collection gets a generic
 * 500, never a 200 carrying an error string.
 */
export class MetricsEndpoint {
  private readonly authorized: (header: string | undefined) => boolean;

  constructor(
    private readonly reader: MetricReader,
    private readonly auth: MetricsAuthOptions | undefined,
    private readonly log: RateLimitedLogger,
  ) {
    this.authorized = createAuthorizationCheck(auth);
  }

  /** Handles one request already known to target the metrics path. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, {
        allow: 'GET, HEAD',
        'content-type': 'text/plain; charset=utf-8',
      });
      res.end('Method Not Allowed\n');
      return;
    }
    if (
      this.auth !== undefined &&
      !this.authorized(req.headers.authorization)
    ) {
      res.writeHead(401, {
        'www-authenticate': authChallenge(this.auth),
        'content-type': 'text/plain; charset=utf-8',
      });
      res.end('Unauthorized\n');
      return;
    }
    const format = negotiateExposition(req.headers.accept);
    this.render(format).then(
      (body) => {
        res.writeHead(200, {
          'content-type': EXPOSITION_CONTENT_TYPES[format],
          'content-length': Buffer.byteLength(body),
          'cache-control': 'no-store',
          // The body depends on Accept: a cache must not hand OpenMetrics to a text client.
          vary: 'Accept',
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (error: unknown) => {
        this.log.warn('metrics-collect', messages.collectFailed(), error);
        if (!res.headersSent) {
          res.writeHead(500, {
            'content-type': 'text/plain; charset=utf-8',
            'cache-control': 'no-store',
          });
        }
        res.end('Internal Server Error\n');
      },
    );
  }

  /** Collects and serializes; rejects when collection fails outright. */
  async render(format: ExpositionFormat = 'text'): Promise<string> {
    const { resourceMetrics, errors } = await this.reader.collect({
      timeoutMillis: COLLECT_TIMEOUT_MS,
    });
    // Partial results (one observable callback threw) are still served; the cause is logged.
    if (errors.length > 0)
      this.log.warn(
        'metrics-collect-partial',
        'Some metrics failed to collect',
        errors[0],
      );
    return writeExposition(resourceMetrics, format, (message) =>
      this.log.warn('metrics-exposition', message),
    );
  }
}

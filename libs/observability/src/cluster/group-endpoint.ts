import type { IncomingMessage, ServerResponse } from 'node:http';
import { messages } from '../core/messages';
import type { RateLimitedLogger } from '../core/rate-limited-logger';
import {
  authChallenge,
  createAuthorizationCheck,
} from '../metrics/metrics-auth';
import type { MetricsAuthOptions } from '../metrics/metrics-options.interface';
import {
  EXPOSITION_CONTENT_TYPES,
  type ExpositionFormat,
  negotiateExposition,
} from '../metrics/exposition-format';

const TEXT = 'text/plain; charset=utf-8';

/**
 * The primary's `/metrics`: the same methods, auth (401 without metric bytes), format
 * negotiation and headers as a single process's endpoint.
 */
export class GroupEndpoint {
  private readonly authorized: (header: string | undefined) => boolean;

  constructor(
    private readonly render: (format: ExpositionFormat) => Promise<string>,
    private readonly auth: MetricsAuthOptions | undefined,
    private readonly log: RateLimitedLogger,
  ) {
    this.authorized = createAuthorizationCheck(auth);
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': TEXT });
      res.end('Method Not Allowed\n');
      return;
    }
    if (
      this.auth !== undefined &&
      !this.authorized(req.headers.authorization)
    ) {
      res.writeHead(401, {
        'www-authenticate': authChallenge(this.auth),
        'content-type': TEXT,
      });
      res.end('Unauthorized\n');
      return;
    }
    const format = negotiateExposition(req.headers.accept);
    this.render(format).then(
      (text) => {
        const body = Buffer.from(text, 'utf8');
        res.writeHead(200, {
          'content-type': EXPOSITION_CONTENT_TYPES[format],
          'content-length': body.length,
          'cache-control': 'no-store',
          vary: 'Accept',
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (error: unknown) => {
        this.log.warn('metrics-collect', messages.collectFailed(), error);
        if (!res.headersSent)
          res.writeHead(500, {
            'content-type': TEXT,
            'cache-control': 'no-store',
          });
        res.end('Internal Server Error\n');
      },
    );
  }
}

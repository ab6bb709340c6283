import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { MetricReader, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { RateLimitedLogger } from '../core/rate-limited-logger';
import { messages } from '../core/messages';
import type { MetricsAuthOptions } from './metrics-options.interface';
import { authChallenge, createAuthorizationCheck } from './metrics-auth';
import { writeExposition } from './exposition';
import {
  EXPOSITION_CONTENT_TYPES,
  type ExpositionFormat,
  negotiateExposition,
} from './exposition-format';

const COLLECT_TIMEOUT_MS = 5_000;

/** How scrapes share collections; see README "Scrape concurrency". */
export interface ScrapeLimits {
  /** Scrapes waiting for a collection beyond which a scrape gets 503 + `Retry-After`. @default 64 */
  maxWaiting: number;
  /** Scrapes sharing one collection from which the next waits `crowdGapMs`. @default 4 */
  crowd: number;
  /** After a crowded collection, the next starts no sooner than this many ms after it. @default 1000 */
  crowdGapMs: number;
  /** A new collection starts no sooner than this many times the previous one's cost after it. @default 3 */
  pauseFactor: number;
  /** Upper bound of the pause, in ms. @default 1000 */
  maxPauseMs: number;
}

const DEFAULT_SCRAPE_LIMITS: ScrapeLimits = {
  maxWaiting: 64,
  crowd: 4,
  crowdGapMs: 1_000,
  pauseFactor: 3,
  maxPauseMs: 1_000,
};

/** One collection, shared by every scrape that arrives before it settles. */
interface Collection {
  readonly metrics: Promise<ResourceMetrics>;
  /** Each format is serialized at most once per collection. */
  readonly bodies: Partial<Record<ExpositionFormat, Buffer>>;
  /** Milliseconds of collecting and serializing, for the pause before the next one. */
  cost: number;
  /** Scrapes answered from it so far. */
  served: number;
  /** When it last did work (collected or serialized), `performance.now()` ms. */
  end: number;
}

/**
 * A crowd is answered in batches of this many scrapes, {@link BATCH_SPACING_MS} apart, so
 * neither its answers nor the requests its clients send next stall the app's requests.
 */
const ANSWERS_PER_BATCH = 8;
const BATCH_SPACING_MS = 5;

/**
 * Answers Prometheus scrapes: collects from the SDK's pull reader and writes OpenMetrics
 * (with exemplars) when the scraper's `Accept` prefers it, text format 0.0.4 otherwise.
 * Unauthorized scrapes get 401 and no metric bytes; a failed collection gets a generic
 * 500, never a 200 carrying an error string.
 *
 * At most one collection runs at a time: concurrent scrapes share it (each format is
 * serialized once, a crowd is answered in small batches a few ms apart). A new one starts only
 * after a pause of 3x the previous one's cost, or 1 s after one shared by a crowd, so
 * looping scrapers cannot monopolize the event loop; past {@link ScrapeLimits.maxWaiting}
 * waiting scrapes a scrape is answered 503 with `Retry-After` at once.
 */
export class MetricsEndpoint {
  private readonly authorized: (header: string | undefined) => boolean;
  private readonly limits: ScrapeLimits;
  private current: Collection | undefined;
  private waiting = 0;
  private previous: Collection | undefined;
  /** Collections started so far (observable in tests and diagnostics). */
  collections = 0;
  /** In a cluster worker: the group's exposition, asked of the primary (docs/cluster.md). */
  private group: ((openMetrics: boolean) => Promise<Buffer>) | undefined;

  /**
   * @param reader the SDK's pull reader; `undefined` for an endpoint that only serves
   *   what {@link serveGroup} hands it (a cluster primary, which runs no SDK).
   */
  constructor(
    private readonly reader: MetricReader | undefined,
    private readonly auth: MetricsAuthOptions | undefined,
    private readonly log: RateLimitedLogger,
    limits: Partial<ScrapeLimits> = {},
  ) {
    this.authorized = createAuthorizationCheck(auth);
    this.limits = { ...DEFAULT_SCRAPE_LIMITS, ...limits };
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
    if (this.waiting >= this.limits.maxWaiting) {
      res.writeHead(503, {
        'retry-after': '1',
        'content-type': 'text/plain; charset=utf-8',
        'cache-control': 'no-store',
      });
      res.end('Service Unavailable: too many concurrent scrapes\n');
      return;
    }
    const format = negotiateExposition(req.headers.accept);
    this.waiting++;
    this.body(format)
      .then(
        (body) => {
          res.writeHead(200, {
            'content-type': EXPOSITION_CONTENT_TYPES[format],
            'content-length': body.length,
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
      )
      .finally(() => this.waiting--);
  }

  /** Serves the body `group` returns instead of this process's own collection. */
  serveGroup(group: (openMetrics: boolean) => Promise<Buffer>): void {
    this.group = group;
  }

  /** Collects (or joins the collection in flight) and serializes; rejects when collection fails outright. */
  async render(format: ExpositionFormat = 'text'): Promise<string> {
    return (await this.body(format)).toString('utf8');
  }

  private async body(format: ExpositionFormat): Promise<Buffer> {
    if (this.group) return this.group(format === 'openmetrics');
    const collection = this.collection();
    const metrics = await collection.metrics;
    const batch = Math.floor(collection.served++ / ANSWERS_PER_BATCH);
    if (batch > 0)
      await new Promise((resolve) =>
        setTimeout(resolve, batch * BATCH_SPACING_MS),
      );
    const cached = collection.bodies[format];
    if (cached) return cached;
    const start = performance.now();
    const body = Buffer.from(
      writeExposition(metrics, format, (message) =>
        this.log.warn('metrics-exposition', message),
      ),
    );
    collection.bodies[format] = body;
    const cost = performance.now() - start;
    collection.cost += cost;
    collection.end = performance.now();
    return body;
  }

  /** The collection in flight, or a new one after the pause the previous one earned. */
  private collection(): Collection {
    if (this.current) return this.current;
    const { crowd, crowdGapMs, pauseFactor, maxPauseMs } = this.limits;
    const last = this.previous;
    const pause =
      last === undefined
        ? 0
        : last.end +
          Math.min(
            maxPauseMs,
            Math.max(
              last.served >= crowd ? crowdGapMs : 0,
              last.cost * pauseFactor,
            ),
          ) -
          performance.now();
    const collection: Collection = {
      metrics: this.collect(pause, (cost) => (collection.cost += cost)).finally(
        () => {
          this.current = undefined;
          this.previous = collection;
          collection.end = performance.now();
        },
      ),
      bodies: {},
      cost: 0,
      served: 0,
      end: 0,
    };
    this.current = collection;
    this.collections++;
    return collection;
  }

  private async collect(
    pause: number,
    addCost: (ms: number) => void,
  ): Promise<ResourceMetrics> {
    // unref: a pending pause must not hold a shutting-down process open.
    if (pause > 0)
      await new Promise((resolve) => setTimeout(resolve, pause).unref());
    if (this.reader === undefined)
      throw new Error('No metric reader, and no group exposition to serve');
    const start = performance.now();
    const { resourceMetrics, errors } = await this.reader.collect({
      timeoutMillis: COLLECT_TIMEOUT_MS,
    });
    addCost(performance.now() - start);
    // Partial results (one observable callback threw) are still served; the cause is logged.
    if (errors.length > 0)
      this.log.warn(
        'metrics-collect-partial',
        'Some metrics failed to collect',
        errors[0],
      );
    return resourceMetrics;
  }
}

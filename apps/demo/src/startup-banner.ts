import { Logger } from '@nestjs/common';
import { getRunningSdk } from '@prs/nestjs-observability';
import type Redis from 'ioredis';
import { type DemoConfig, safeUrl } from './config/demo-config';
import type { DatabaseInfo } from './database/database.service';

/** What the banner reports; gathered by `main.ts` once the app listens. */
export interface BannerFacts {
  adapter: string;
  url: string;
  database: DatabaseInfo;
  redis: Redis | undefined;
  config: DemoConfig;
}

/**
 * Where to look, one line each (every URL without its userinfo), ending with `PRS demo (<adapter>) listening on <url>`
 * (scripts and tests wait for that exact line).
 */
export function printBanner(facts: BannerFacts): void {
  const log = new Logger('Demo');
  const { url, database, redis, config } = facts;
  log.log(`Metrics: ${metrics(url)}`);
  log.log(
    `Health: ${url}/api/health/ (full report), ${url}/health/ready (readiness), ${url}/health/live (liveness)`,
  );
  log.log(`Traces: ${traces()}`);
  log.log(
    `Database: ${database.mode === 'embedded' ? 'embedded Postgres (PGlite, in memory)' : 'Postgres'} at ${safeUrl(database.url)}`,
  );
  log.log(`Cache: ${cache(redis, config)}`);
  log.log(
    `Health checks: database, cache${redis ? '' : ' (off)'}, disk, email ${config.smtp ? 'on' : 'off (set SMTP_HOST)'}, s3 ${config.s3 ? 'on' : 'off (set S3_BUCKET)'}, application (deal count)`,
  );
  log.log(
    `Try: curl -s -X POST ${url}/api/auth/login -H 'content-type: application/json' -d '{"username":"alice","password":"prs-demo"}'`,
  );
  log.log(`Runtime: Node.js ${process.version}`);
  log.log(`PRS demo (${facts.adapter}) listening on ${url}`);
}

function metrics(url: string): string {
  const sdk = getRunningSdk();
  if (!sdk || sdk.options.disabled) return 'off (OTEL_SDK_DISABLED=true)';
  const { exporters, exportIntervalMillis, otlp } = sdk.options.metrics;
  if (exporters.length === 0) return 'off (OTEL_METRICS_EXPORTER=none)';
  const where = exporters.map((exporter) =>
    exporter === 'prometheus'
      ? `${url}/metrics`
      : exporter === 'otlp'
        ? `OTLP ${safeUrl(otlp.endpoint)} every ${exportIntervalMillis / 1000} s`
        : `${exporter} every ${exportIntervalMillis / 1000} s`,
  );
  return exporters.includes('prometheus')
    ? where.join(', ')
    : `${where.join(', ')} (no /metrics: add prometheus to OTEL_METRICS_EXPORTER)`;
}

function traces(): string {
  const sdk = getRunningSdk();
  if (!sdk || sdk.options.disabled) return 'off (OTEL_SDK_DISABLED=true)';
  const { serviceName, traces: t } = sdk.options;
  const service = `service.name "${serviceName}"${serviceName === 'prs-backend' ? '' : ' (set OTEL_SERVICE_NAME=prs-backend for the deploy/ dashboards)'}`;
  switch (t.exporter) {
    case 'none':
      return 'off (OTEL_TRACES_EXPORTER=none)';
    case 'otlp':
      return `OTLP ${safeUrl(t.endpoint)} as ${service}`;
    case 'jaeger':
      return `Jaeger ${t.jaeger.agentHost ? `agent ${t.jaeger.agentHost}:${t.jaeger.agentPort}` : safeUrl(t.jaeger.endpoint ?? '')} as ${service}`;
    default:
      return `${t.exporter} exporter as ${service}`;
  }
}

function cache(redis: Redis | undefined, config: DemoConfig): string {
  if (!redis || !config.redisUrl) return 'off (REDIS_URL=off)';
  const where = safeUrl(config.redisUrl);
  return redis.status === 'ready'
    ? `Redis at ${where} (deal reads cached 60 s)`
    : `off: Redis at ${where} not reachable (retrying)`;
}

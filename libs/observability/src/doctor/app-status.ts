import type { IncomingMessage, ServerResponse } from 'node:http';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../core/package-info';
import {
  moduleStates,
  type ModuleState,
} from '../instrumentation/instrumentation-check';
import type { RunningSdk } from '../sdk/running-sdk';
import { installedManifest } from './installed-package';
import { findPreloads, type Preloads } from './preload-flags';

/**
 * What `GET <metrics path>/status` answers when `metrics.status` is on: read-only facts
 * for `prs-observability doctor`. No option values, environment values, hosts or
 * credentials: versions, preload flags of the SDK's own entry, states and counters.
 */
export interface AppStatus {
  /** Bumped when a field changes meaning. */
  schema: 1;
  package: { name: string; version: string };
  node: string;
  /** `esm` when the app's entry was loaded as an ES module (no CommonJS main). */
  entry: 'commonjs' | 'esm';
  /** The SDK's register entry in the process's flags and NODE_OPTIONS. */
  preload: Preloads;
  /** Versions the app resolves from its working directory; absent when not found. */
  versions: Partial<Record<'@nestjs/core' | '@opentelemetry/api', string>>;
  sdk: {
    disabled: boolean;
    tracesExporter: string;
    metricsExporters: string[];
  };
  /** pg, ioredis, express: patched, loaded before the SDK (unpatched), not loaded, disabled. */
  instrumentation: Partial<Record<string, ModuleState>>;
  /** The SDK's own export counters since start. */
  exports: {
    spansExported: number;
    spanExportFailures: number;
    spansDropped: number;
    metricExportFailures: number;
  };
}

/** Where the status is served: `<metrics path>/status`. */
export function statusPath(metricsPath: string): string {
  return `${metricsPath.replace(/\/+$/, '')}/status`;
}

/** The status of `sdk` in this process. */
export function appStatus(sdk: RunningSdk, cwd = process.cwd()): AppStatus {
  const { options, stats } = sdk;
  return {
    schema: 1,
    package: { name: PACKAGE_NAME, version: PACKAGE_VERSION },
    node: process.versions.node,
    entry: require.main === undefined ? 'esm' : 'commonjs',
    preload: mergePreloads(
      findPreloads(process.execArgv),
      findPreloads(process.env.NODE_OPTIONS ?? ''),
    ),
    versions: {
      '@nestjs/core': installedManifest(cwd, '@nestjs/core')?.version,
      '@opentelemetry/api': installedManifest(cwd, '@opentelemetry/api')
        ?.version,
    },
    sdk: {
      disabled: options.disabled,
      tracesExporter: options.traces.exporter,
      metricsExporters: [...options.metrics.exporters],
    },
    instrumentation: options.disabled
      ? {}
      : moduleStates(
          options.instrumentations,
          options.traces.exporter !== 'none',
          cwd,
        ),
    exports: {
      spansExported: stats.spansExported,
      spanExportFailures: stats.spanExportFailures,
      spansDropped: stats.spansDropped,
      metricExportFailures: stats.metricExportFailures,
    },
  };
}

/**
 * Answers `GET`/`HEAD` with the status as JSON; `authorized` is the metrics endpoint's
 * own check, so the status is exactly as protected as `/metrics`.
 */
export function statusHandler(
  sdk: RunningSdk,
  authorized: (header: string | undefined) => boolean,
  challenge: string | undefined,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (!authorized(req.headers.authorization)) {
      res
        .writeHead(401, challenge ? { 'www-authenticate': challenge } : {})
        .end();
      return;
    }
    let body: string;
    try {
      body = JSON.stringify(appStatus(sdk));
    } catch {
      res.writeHead(500).end(); // never a stack into the response
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

function mergePreloads(a: Preloads, b: Preloads): Preloads {
  return { import: a.import || b.import, require: a.require || b.require };
}

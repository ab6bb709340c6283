/** Lowest level a logger writes; `silent` writes nothing. */
export type LogLevelName =
  'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

/** A size-rotated log file, like Python's `RotatingFileHandler`. */
export interface LogFileOptions {
  /** File path; its directory is created when missing. */
  path: string;
  /**
   * Rotate once the file would grow past this many bytes.
   * @default 10485760 (10 MiB, as in the PRS guide)
   */
  maxSize?: number;
  /**
   * Rotated files kept besides the active one (`app.log.1` ... `app.log.10`), like
   * Python's `backupCount`.
   * @default 10
   */
  maxFiles?: number;
}

/** Reads the authenticated user's id from a request; `undefined` or `null` when anonymous. */
export type LogUserExtractor = (
  request: unknown,
) => string | number | null | undefined;

/** Options of the `logging` section of `ObservabilityModule.forRoot()`; see docs/logging.md. */
export interface LoggingOptions {
  /**
   * Correlation ids, request context and the request log. `false` turns all three off;
   * `ObservabilityLogger` and `SecurityLogger` still write JSON.
   * @default true
   */
  enabled?: boolean;
  /**
   * Lowest level written (JSON always; there is no pretty mode).
   * @default 'info'
   */
  level?: LogLevelName;
  /**
   * Write the main stream to stdout (besides `files.main`, when set).
   * @default true
   */
  stdout?: boolean;
  /**
   * One line per finished HTTP request: INFO, WARNING for 4xx and aborted, ERROR for 5xx.
   * Paths in `http.excludePaths` are not logged.
   * @default true
   */
  requestLog?: boolean;
  /**
   * Request headers a caller's correlation id is taken from, first valid one wins.
   * A value is kept only when it is 1-128 characters of `[A-Za-z0-9._:-]`.
   * @default ['x-correlation-id', 'x-request-id']
   */
  correlationHeaders?: string[];
  /**
   * Header carrying the correlation id on responses and outbound HTTP calls.
   * @default 'x-correlation-id'
   */
  correlationResponseHeader?: string;
  /**
   * Which `X-Forwarded-For` entries `request.ip` may come from: `false` (the socket
   * peer), `true` (the left-most entry: only behind a proxy that overwrites the header),
   * a number of proxy hops, or the proxies' addresses and CIDR ranges (`'loopback'`,
   * `'private'` allowed).
   * @default false
   */
  trustProxy?: boolean | number | string[];
  /**
   * More key names (any letter case) whose values are replaced by `[REDACTED]` in
   * logged objects and query strings, besides the built-in credential names.
   * @default []
   */
  redact?: string[];
  /**
   * Longest string kept in a line (message, stack, any field); longer ones are cut.
   * @default 4096
   */
  maxValueLength?: number;
  /** Rotated files for the main stream and the `security` and `error` channels. */
  files?: {
    main?: LogFileOptions | string;
    security?: LogFileOptions | string;
    error?: LogFileOptions | string;
  };
  /**
   * Application lines carry `function` (the calling function, `DealsService.create`) and
   * `line` (its line: the JavaScript's, or the TypeScript source's under
   * `node --enable-source-maps`) instead of the Nest context in `function`. Costs one
   * stack capture per line written.
   * @default false
   */
  callSite?: boolean;
  /**
   * How the request log finds the user id (`RequestContext.setUser()` wins over it).
   * @default (request) => request.user?.id
   */
  userId?: LogUserExtractor;
}

/** A log file after validation. */
export interface ResolvedLogFile {
  path: string;
  maxSize: number;
  maxFiles: number;
}

/** {@link LoggingOptions} after validation, with defaults applied. */
export interface ResolvedLoggingOptions {
  enabled: boolean;
  level: LogLevelName;
  stdout: boolean;
  requestLog: boolean;
  correlationHeaders: string[];
  correlationResponseHeader: string;
  trustProxy: boolean | number | string[];
  redact: string[];
  maxValueLength: number;
  callSite: boolean;
  files: {
    main: ResolvedLogFile | undefined;
    security: ResolvedLogFile | undefined;
    error: ResolvedLogFile | undefined;
  };
  userId: LogUserExtractor;
}

/** What the logging capability is given: its options, and what it shares with others. */
export interface LoggingConfig extends ResolvedLoggingOptions {
  /** Paths that get no request line (`http.excludePaths`). */
  readonly notLogged: readonly string[];
  /** `tracing.uiUrl`: error lines link to their trace there. */
  readonly traceUiUrl: string | undefined;
}

import { AsyncLocalStorage } from 'node:async_hooks';
import {
  createServer,
  IncomingMessage,
  request as httpRequest,
  type Server,
  ServerResponse,
} from 'node:http';
import { type AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { ROOT_CONTEXT, type SpanContext, trace } from '@opentelemetry/api';
import { DirectRoutes } from './direct-routes';
import { HttpServerHook } from './http-server-hook';
import type { ObservedRequest, RequestObserver } from './request-observer';
import { fastifyRequestOf } from './route-template';

/** The tag the hook leaves on a server it wrapped (a global symbol, so a test can read it). */
const HOOKED = Symbol.for('@prs/nestjs-observability:http-hook');

type Listener = (
  this: Server,
  req: IncomingMessage,
  res: ServerResponse,
) => void;

/** What a fake observer keeps for one request. */
interface FakeState {
  readonly label: string;
  readonly url: string | undefined;
}

/** One thing that happened, in the order it happened. */
interface Call {
  kind: 'begin' | 'enter' | 'exit' | 'end' | 'listener';
  label: string;
  request?: ObservedRequest;
  state?: FakeState;
  route?: string | undefined;
  /** For `listener`: the store of every fake observer's AsyncLocalStorage, in order. */
  stores?: (string | undefined)[];
}

/** How a fake observer departs from "observe everything, run next in my storage". */
interface Behaviour {
  begin?(request: ObservedRequest): FakeState | undefined;
  /** `null`: the observer has no `enter`. */
  enter?: ((state: FakeState, next: () => void) => void) | null;
  end?(
    state: FakeState,
    request: ObservedRequest,
    route: string | undefined,
  ): void;
}

type FakeObserver = RequestObserver<FakeState> & {
  readonly store: AsyncLocalStorage<string>;
};

/** A plain observer that records every call into `calls`, then behaves as told. */
function fake(
  label: string,
  calls: Call[],
  behaviour: Behaviour = {},
): FakeObserver {
  const store = new AsyncLocalStorage<string>();
  const observer: FakeObserver = {
    label,
    store,
    begin(request) {
      calls.push({ kind: 'begin', label, request });
      return behaviour.begin
        ? behaviour.begin(request)
        : { label, url: request.req.url };
    },
    end(state, request, route) {
      calls.push({ kind: 'end', label, state, request, route });
      behaviour.end?.(state, request, route);
    },
  };
  if (behaviour.enter !== null) {
    const enter = behaviour.enter;
    observer.enter = (state, next) => {
      calls.push({ kind: 'enter', label, state });
      if (enter) enter(state, next);
      else store.run(label, next);
      calls.push({ kind: 'exit', label, state });
    };
  }
  return observer;
}

/** `kind:label` of every call, e.g. `['begin:A', 'enter:A', 'listener:app', …]`. */
const sequence = (calls: readonly Call[]): string[] =>
  calls.map((call) => `${call.kind}:${call.label}`);
const ofKind = (calls: readonly Call[], kind: Call['kind']): Call[] =>
  calls.filter((call) => call.kind === kind);

/** The smallest HttpAdapterHost the hook and `createRouteResolver` use. */
function adapterHost(
  server: Server | undefined,
  type = 'express',
  instance: unknown = undefined,
): HttpAdapterHost {
  const httpAdapter =
    server === undefined
      ? undefined
      : {
          getHttpServer: () => server,
          getType: () => type,
          getInstance: () => instance,
        };
  return { httpAdapter } as unknown as HttpAdapterHost;
}

/** Makes `req` look routed by Express (`baseUrl` + `route.path`), counting route lookups. */
function routeAs(
  req: IncomingMessage,
  baseUrl: string,
  path: string,
  lookups?: { count: number },
): void {
  Object.assign(req, { baseUrl });
  Object.defineProperty(req, 'route', {
    configurable: true,
    get() {
      if (lookups) lookups.count++;
      return { path };
    },
  });
}

/** A request/response pair like the one Node's parser emits, for calling the listeners directly. */
function exchange(url: string): {
  req: IncomingMessage;
  res: ServerResponse;
  socket: Socket;
} {
  const socket = new Socket();
  const req = new IncomingMessage(socket);
  req.url = url;
  req.method = 'GET';
  return { req, res: new ServerResponse(req), socket };
}

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 25));

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting ${what}`);
    await new Promise<void>((resolve) => setTimeout(resolve, 5));
  }
}

describe('HttpServerHook on a real http.Server', () => {
  let servers: Server[];
  let hooks: HttpServerHook[];
  let sockets: Socket[];
  let warnings: string[];

  beforeEach(() => {
    servers = [];
    hooks = [];
    sockets = [];
    warnings = [];
    jest
      .spyOn(Logger.prototype, 'warn')
      .mockImplementation(
        (message: unknown) => void warnings.push(String(message)),
      );
  });

  afterEach(async () => {
    for (const hook of hooks) hook.onApplicationShutdown();
    for (const socket of sockets) socket.destroy();
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    jest.restoreAllMocks();
  });

  /** A server with `listeners` as its own request listeners, not listening. */
  function serverWith(...listeners: Listener[]): Server {
    const server = createServer();
    for (const listener of listeners) server.on('request', listener);
    servers.push(server);
    return server;
  }

  /** A server with `listeners`, listening on 127.0.0.1 at a free port. */
  async function listen(...listeners: Listener[]): Promise<Server> {
    const server = serverWith(...listeners);
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );
    return server;
  }

  function hookOn(
    server: Server | undefined,
    observers: readonly RequestObserver<FakeState>[],
    routes = new DirectRoutes(),
    host = adapterHost(server),
  ): HttpServerHook {
    const hook = new HttpServerHook(host, routes, observers);
    hooks.push(hook);
    hook.onApplicationBootstrap();
    return hook;
  }

  function trackExchange(url: string): ReturnType<typeof exchange> {
    const pair = exchange(url);
    sockets.push(pair.socket);
    return pair;
  }

  function get(
    server: Server,
    path: string,
  ): Promise<{ status: number; body: string }> {
    const { port } = server.address() as AddressInfo;
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, path, agent: false },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  /** The app: answers `ok <url>` after recording that it ran inside `observers`' enters. */
  function app(
    calls: Call[],
    observers: readonly FakeObserver[],
    label = 'app',
  ): Listener {
    return function (req, res) {
      calls.push({
        kind: 'listener',
        label,
        stores: observers.map((observer) => observer.store.getStore()),
      });
      if (!res.headersSent) res.end(`ok ${req.url}`);
    };
  }

  describe('observer order', () => {
    it('begins in order, nests the enters around the app listener and ends in reverse, once', async () => {
      const calls: Call[] = [];
      const observers = ['A', 'B', 'C'].map((label) => fake(label, calls));
      const lookups = { count: 0 };
      const listener = app(calls, observers);
      const server = await listen(function (req, res) {
        routeAs(req, '/items', '/:id', lookups);
        listener.call(this, req, res);
      });
      hookOn(server, observers);

      const before = performance.now();
      const response = await get(server, '/items/42?page=2');
      await until(() => ofKind(calls, 'end').length === 3, 'for 3 ends');
      const after = performance.now();
      await settle();

      expect(response).toEqual({ status: 200, body: 'ok /items/42?page=2' });
      expect(sequence(calls)).toEqual([
        'begin:A',
        'begin:B',
        'begin:C',
        'enter:A',
        'enter:B',
        'enter:C',
        'listener:app',
        'exit:C',
        'exit:B',
        'exit:A',
        'end:C',
        'end:B',
        'end:A',
      ]);
      // The app ran inside every observer's enter.
      expect(ofKind(calls, 'listener')[0]!.stores).toEqual(['A', 'B', 'C']);

      // One ObservedRequest for the whole request, shared by every observer.
      const request = calls[0]!.request!;
      for (const call of [...ofKind(calls, 'begin'), ...ofKind(calls, 'end')])
        expect(call.request).toBe(request);
      expect(request.path).toBe('/items/42');
      expect(request.req.url).toBe('/items/42?page=2');
      expect(request.start).toBeGreaterThanOrEqual(before);
      expect(request.start).toBeLessThanOrEqual(after);
      expect(request.res.writableFinished).toBe(true);

      // Each observer gets back its own state, and the route looked up once for all.
      for (const label of ['A', 'B', 'C']) {
        const [enter] = ofKind(calls, 'enter').filter((c) => c.label === label);
        const [end] = ofKind(calls, 'end').filter((c) => c.label === label);
        expect(enter!.state).toEqual({ label, url: '/items/42?page=2' });
        expect(end!.state).toBe(enter!.state);
        expect(end!.route).toBe('/items/:id');
      }
      expect(lookups.count).toBe(1);
      expect(warnings).toEqual([]);
    });

    it('ends every concurrent request exactly once, with its own ObservedRequest', async () => {
      const calls: Call[] = [];
      const observers = [fake('A', calls), fake('B', calls)];
      const server = await listen(app(calls, observers));
      hookOn(server, observers);

      const paths = ['/one', '/two?x=1', '/three'];
      const responses = await Promise.all(paths.map((p) => get(server, p)));
      await until(() => ofKind(calls, 'end').length === 6, 'for 6 ends');
      await settle();

      expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
      const ends = ofKind(calls, 'end');
      expect(ends).toHaveLength(6);
      const requests = new Set(ends.map((end) => end.request));
      expect(requests.size).toBe(3);
      for (const request of requests) {
        const mine = ends.filter((end) => end.request === request);
        expect(mine.map((end) => end.label)).toEqual(['B', 'A']);
        expect(mine.every((end) => end.state!.url === request!.req.url)).toBe(
          true,
        );
      }
      expect([...requests].map((r) => r!.path).sort()).toEqual([
        '/one',
        '/three',
        '/two',
      ]);
      // Nothing routed the requests: the route is unknown.
      expect(ends.every((end) => end.route === undefined)).toBe(true);
    });

    it('runs an observer without enter only in begin and end', async () => {
      const calls: Call[] = [];
      const observers = [
        fake('A', calls),
        fake('B', calls, { enter: null }),
        fake('C', calls),
      ];
      const server = await listen(app(calls, observers));
      hookOn(server, observers);

      await get(server, '/');
      await until(() => ofKind(calls, 'end').length === 3, 'for 3 ends');

      expect(sequence(calls)).toEqual([
        'begin:A',
        'begin:B',
        'begin:C',
        'enter:A',
        'enter:C',
        'listener:app',
        'exit:C',
        'exit:A',
        'end:C',
        'end:B',
        'end:A',
      ]);
      expect(ofKind(calls, 'listener')[0]!.stores).toEqual([
        'A',
        undefined,
        'C',
      ]);
    });
  });

  it('lets a later observer read the span, span context and context an earlier one set in begin', async () => {
    const calls: Call[] = [];
    const spanContext: SpanContext = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
    };
    const span = trace.wrapSpanContext(spanContext);
    const context = trace.setSpan(ROOT_CONTEXT, span);
    const seenByA: unknown[] = [];
    const seenByB: unknown[] = [];
    const seenAtEnd: unknown[] = [];
    const observers = [
      fake('tracing', calls, {
        begin(request) {
          seenByA.push(request.span, request.spanContext, request.context);
          request.span = span;
          request.spanContext = spanContext;
          request.context = context;
          return { label: 'tracing', url: request.req.url };
        },
      }),
      fake('logging', calls, {
        begin(request) {
          seenByB.push(request.span, request.spanContext, request.context);
          return { label: 'logging', url: request.req.url };
        },
        end(_state, request) {
          seenAtEnd.push(request.span, request.spanContext, request.context);
        },
      }),
    ];
    const server = await listen(app(calls, observers));
    hookOn(server, observers);

    await get(server, '/deals');
    await until(() => ofKind(calls, 'end').length === 2, 'for 2 ends');

    expect(seenByA).toEqual([undefined, undefined, undefined]);
    expect(seenByB).toHaveLength(3);
    expect(seenByB[0]).toBe(span);
    expect(seenByB[1]).toBe(spanContext);
    expect(seenByB[2]).toBe(context);
    expect(seenAtEnd[0]).toBe(span);
    expect(seenAtEnd[1]).toBe(spanContext);
    expect(seenAtEnd[2]).toBe(context);
  });

  describe('begin returning undefined', () => {
    it('skips that observer for the request (no enter, no end), the others are unaffected', async () => {
      const calls: Call[] = [];
      const observers = [
        fake('A', calls),
        fake('B', calls, { begin: () => undefined }),
        fake('C', calls),
      ];
      const server = await listen(app(calls, observers));
      hookOn(server, observers);

      const response = await get(server, '/skip');
      await until(() => ofKind(calls, 'end').length === 2, 'for 2 ends');
      await settle();

      expect(response).toEqual({ status: 200, body: 'ok /skip' });
      expect(sequence(calls)).toEqual([
        'begin:A',
        'begin:B',
        'begin:C',
        'enter:A',
        'enter:C',
        'listener:app',
        'exit:C',
        'exit:A',
        'end:C',
        'end:A',
      ]);
      expect(ofKind(calls, 'listener')[0]!.stores).toEqual([
        'A',
        undefined,
        'C',
      ]);
    });

    it('when every observer skips, runs the app listener alone, with no close listener and no route lookup', async () => {
      const calls: Call[] = [];
      const lookups = { count: 0 };
      const closeListeners: number[] = [];
      const skipping = [
        fake('A', calls, { begin: () => undefined }),
        fake('B', calls, { begin: () => undefined }),
      ];
      const listener = app(calls, skipping);
      const handler: Listener = function (req, res) {
        closeListeners.push(res.listenerCount('close'));
        routeAs(req, '', '/skip', lookups);
        listener.call(this, req, res);
      };
      // The same app without the hook, for the baseline number of close listeners.
      const bare = await listen(handler);
      await get(bare, '/skip');
      const server = await listen(handler);
      hookOn(server, skipping);

      const response = await get(server, '/skip');
      await settle();

      expect(response).toEqual({ status: 200, body: 'ok /skip' });
      expect(sequence(calls)).toEqual([
        'listener:app',
        'begin:A',
        'begin:B',
        'listener:app',
      ]);
      expect(ofKind(calls, 'listener')[1]!.stores).toEqual([
        undefined,
        undefined,
      ]);
      expect(closeListeners).toHaveLength(2);
      expect(closeListeners[1]).toBe(closeListeners[0]);
      expect(lookups.count).toBe(0);

      // While an observed request does add the hook's one close listener.
      const observing = [fake('C', calls)];
      const observed = await listen(handler);
      hookOn(observed, observing);
      await get(observed, '/skip');
      await until(() => ofKind(calls, 'end').length === 1, 'for 1 end');
      expect(closeListeners[2]).toBe(closeListeners[0]! + 1);
      expect(lookups.count).toBe(1);
    });
  });

  describe('a failing observer never affects the request', () => {
    it('skips an observer that throws in begin; the others get all their calls', async () => {
      const calls: Call[] = [];
      const observers = [
        fake('A', calls),
        fake('B', calls, {
          begin() {
            throw new Error('begin boom');
          },
        }),
        fake('C', calls),
      ];
      const server = await listen(app(calls, observers));
      hookOn(server, observers);

      const response = await get(server, '/begin');
      await until(() => ofKind(calls, 'end').length === 2, 'for 2 ends');
      await settle();

      expect(response).toEqual({ status: 200, body: 'ok /begin' });
      expect(sequence(calls)).toEqual([
        'begin:A',
        'begin:B',
        'begin:C',
        'enter:A',
        'enter:C',
        'listener:app',
        'exit:C',
        'exit:A',
        'end:C',
        'end:A',
      ]);
      expect(warnings).toEqual([
        'B failed; the request was not affected: Error: begin boom',
      ]);

      // Reported at most once a minute per observer.
      await get(server, '/begin');
      await until(() => ofKind(calls, 'end').length === 4, 'for 4 ends');
      expect(warnings).toHaveLength(1);
    });

    it('runs the rest of the request when an observer throws in enter before calling next', async () => {
      const calls: Call[] = [];
      const observers = [
        fake('A', calls),
        fake('B', calls, {
          enter() {
            throw new Error('enter boom');
          },
        }),
        fake('C', calls),
      ];
      const server = await listen(app(calls, observers));
      hookOn(server, observers);

      const response = await get(server, '/enter');
      await until(() => ofKind(calls, 'end').length === 3, 'for 3 ends');
      await settle();

      expect(response).toEqual({ status: 200, body: 'ok /enter' });
      // B's enter threw before recording its exit; C and the app still ran, once;
      // B began, so it still ends (to close whatever it started).
      expect(sequence(calls)).toEqual([
        'begin:A',
        'begin:B',
        'begin:C',
        'enter:A',
        'enter:B',
        'enter:C',
        'listener:app',
        'exit:C',
        'exit:A',
        'end:C',
        'end:B',
        'end:A',
      ]);
      expect(ofKind(calls, 'listener')[0]!.stores).toEqual([
        'A',
        undefined,
        'C',
      ]);
      expect(warnings).toEqual([
        'B failed; the request was not affected: Error: enter boom',
      ]);
    });

    it('runs the app listener when the last observer throws in enter', async () => {
      const calls: Call[] = [];
      const observers = [
        fake('A', calls),
        fake('B', calls, {
          enter() {
            throw new Error('last enter boom');
          },
        }),
      ];
      const server = await listen(app(calls, observers));
      hookOn(server, observers);

      const response = await get(server, '/last');
      await until(() => ofKind(calls, 'end').length === 2, 'for 2 ends');

      expect(response).toEqual({ status: 200, body: 'ok /last' });
      expect(ofKind(calls, 'listener')).toHaveLength(1);
      expect(ofKind(calls, 'listener')[0]!.stores).toEqual(['A', undefined]);
      expect(warnings).toEqual([
        'B failed; the request was not affected: Error: last enter boom',
      ]);
    });

    it('still ends the other observers when one throws in end', async () => {
      const calls: Call[] = [];
      const observers = [
        fake('A', calls),
        fake('B', calls, {
          end() {
            throw new Error('end boom');
          },
        }),
        fake('C', calls),
      ];
      const server = await listen(app(calls, observers));
      hookOn(server, observers);

      const response = await get(server, '/end');
      await until(() => ofKind(calls, 'end').length === 3, 'for 3 ends');
      await settle();

      expect(response).toEqual({ status: 200, body: 'ok /end' });
      expect(sequence(ofKind(calls, 'end'))).toEqual([
        'end:C',
        'end:B',
        'end:A',
      ]);
      expect(warnings).toEqual([
        'B failed; the request was not affected: Error: end boom',
      ]);
    });

    it('ends the observers with no route when looking the route up throws', async () => {
      const calls: Call[] = [];
      const observers = [fake('A', calls), fake('B', calls)];
      const listener = app(calls, observers);
      const server = await listen(function (req, res) {
        Object.defineProperty(req, 'route', {
          get() {
            throw new Error('route boom');
          },
        });
        listener.call(this, req, res);
      });
      hookOn(server, observers);

      const response = await get(server, '/route');
      await until(() => ofKind(calls, 'end').length === 2, 'for 2 ends');

      expect(response).toEqual({ status: 200, body: 'ok /route' });
      expect(ofKind(calls, 'end').map((end) => end.route)).toEqual([
        undefined,
        undefined,
      ]);
      expect(warnings).toEqual([
        'Looking up the route template failed; the request was recorded as unmatched: Error: route boom',
      ]);
    });
  });

  /*
   * Node's parser emits 'request' with `server.emit`, so an error the app's listener
   * throws synchronously leaves `emit`, and on a live socket becomes the process's
   * uncaughtException (which Jest would report as a failure of an unrelated test).
   * Emitting 'request' ourselves, with a real IncomingMessage/ServerResponse pair,
   * is exactly what the parser does, minus the socket: the error surfaces at our
   * `emit` call, where it can be compared with the hookless server's behaviour.
   */
  describe("an error thrown by the app's own listener", () => {
    const failure = new Error('app failed');
    const throwing: Listener = () => {
      throw failure;
    };

    function thrownBy(run: () => void): unknown {
      try {
        run();
      } catch (error) {
        return error;
      }
      return undefined;
    }

    it('propagates unchanged out of the enters, as it does without the hook', () => {
      const calls: Call[] = [];
      const seenByEnters: unknown[] = [];
      const rethrowing = (label: string) =>
        fake(label, calls, {
          enter(_state, next) {
            try {
              next();
            } catch (error) {
              seenByEnters.push(error);
              throw error;
            }
          },
        });
      const observers = [rethrowing('A'), fake('B', calls), rethrowing('C')];

      const bare = serverWith(throwing);
      const withoutHook = trackExchange('/boom');
      const baseline = thrownBy(() =>
        bare.emit('request', withoutHook.req, withoutHook.res),
      );
      expect(baseline).toBe(failure);

      const server = serverWith(throwing);
      hookOn(server, observers);
      expect(server.listeners('request')).not.toContain(throwing);
      const { req, res } = trackExchange('/boom');
      const thrown = thrownBy(() => server.emit('request', req, res));

      expect(thrown).toBe(failure);
      expect(seenByEnters).toEqual([failure, failure]);
      expect(sequence(calls)).toEqual([
        'begin:A',
        'begin:B',
        'begin:C',
        'enter:A',
        'enter:B',
        'enter:C',
      ]);
      expect(warnings).toEqual([]);

      // The response still closes, and every observer ends once.
      res.emit('close');
      expect(sequence(ofKind(calls, 'end'))).toEqual([
        'end:C',
        'end:B',
        'end:A',
      ]);
    });

    it('propagates even when an earlier observer threw in enter before next', () => {
      const calls: Call[] = [];
      const observers = [
        fake('A', calls, {
          enter() {
            throw new Error('enter boom');
          },
        }),
        fake('B', calls),
      ];
      const server = serverWith(throwing);
      hookOn(server, observers);
      const { req, res } = trackExchange('/boom');

      expect(thrownBy(() => server.emit('request', req, res))).toBe(failure);
      expect(warnings).toEqual([
        'A failed; the request was not affected: Error: enter boom',
      ]);
    });

    it('propagates when no observer has an enter, or none observes the request', () => {
      const calls: Call[] = [];
      const noEnter = serverWith(throwing);
      hookOn(noEnter, [fake('A', calls, { enter: null })]);
      const first = trackExchange('/boom');
      expect(
        thrownBy(() => noEnter.emit('request', first.req, first.res)),
      ).toBe(failure);

      const skipping = serverWith(throwing);
      hookOn(skipping, [fake('B', calls, { begin: () => undefined })]);
      const second = trackExchange('/boom');
      expect(
        thrownBy(() => skipping.emit('request', second.req, second.res)),
      ).toBe(failure);
      expect(warnings).toEqual([]);
    });

    // The hook tells "the app threw" from "the observer threw" by the error coming out
    // of `next`, not by whether `next` was called: a failing cleanup after `next` is
    // caught and reported, never rethrown as an uncaughtException.
    it('catches an observer that throws in enter after next returned', () => {
      const calls: Call[] = [];
      const observers = [
        fake('A', calls, {
          enter(_state, next) {
            next();
            throw new Error('cleanup boom');
          },
        }),
      ];
      const server = serverWith(app(calls, observers));
      hookOn(server, observers);
      const { req, res } = trackExchange('/cleanup');

      expect(() => server.emit('request', req, res)).not.toThrow();
    });
  });

  it('ends the observers once when the client aborts before the response', async () => {
    const calls: Call[] = [];
    const observers = [fake('A', calls), fake('B', calls)];
    let arrived: () => void = () => undefined;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    const server = await listen(() => arrived()); // never answers
    hookOn(server, observers);

    const { port } = server.address() as AddressInfo;
    const client = httpRequest({
      host: '127.0.0.1',
      port,
      path: '/hang',
      agent: false,
    });
    client.on('error', () => undefined);
    client.end();
    await arrival;
    client.destroy();
    await until(() => ofKind(calls, 'end').length === 2, 'for 2 ends');
    await settle();

    const ends = ofKind(calls, 'end');
    expect(sequence(ends)).toEqual(['end:B', 'end:A']);
    expect(ends[0]!.request!.path).toBe('/hang');
    expect(ends[0]!.request!.res.writableEnded).toBe(false);
  });

  describe('direct routes', () => {
    it('serves a direct route itself, never calling the observers or the app', async () => {
      const calls: Call[] = [];
      const observers = [fake('A', calls)];
      const server = await listen(app(calls, observers));
      const routes = new DirectRoutes();
      routes.register('/metrics', (req, res) => res.end(`metrics ${req.url}`));
      hookOn(server, observers, routes);

      expect(await get(server, '/metrics')).toEqual({
        status: 200,
        body: 'metrics /metrics',
      });
      expect(await get(server, '/metrics/?x=1')).toEqual({
        status: 200,
        body: 'metrics /metrics/?x=1',
      });
      await settle();
      expect(calls).toEqual([]);

      // Any other path is the app's, and observed.
      expect(await get(server, '/metricsx')).toEqual({
        status: 200,
        body: 'ok /metricsx',
      });
      await until(() => ofKind(calls, 'end').length === 1, 'for 1 end');
    });

    it('is installed for direct routes alone, passing every other request to all the listeners', async () => {
      const seen: string[] = [];
      const first: Listener = function (req, res) {
        seen.push(`first ${req.url} ${this === server}`);
        res.end('first');
      };
      const second: Listener = function (req) {
        seen.push(`second ${req.url} ${this === server}`);
      };
      const server = await listen(first, second);
      const routes = new DirectRoutes();
      routes.register('/health/', (_req, res) => res.end('up'));
      hookOn(server, [], routes);

      expect(server.listeners('request')).toHaveLength(1);
      expect(server.listeners('request')).not.toContain(first);
      expect(await get(server, '/health')).toEqual({ status: 200, body: 'up' });
      expect(await get(server, '/other')).toEqual({
        status: 200,
        body: 'first',
      });
      expect(seen).toEqual(['first /other true', 'second /other true']);
    });
  });

  describe('installation', () => {
    it('is not installed with no observers and no direct routes', async () => {
      const calls: Call[] = [];
      const listener = app(calls, []);
      const server = await listen(listener);
      hookOn(server, []);

      expect(server.listeners('request')).toEqual([listener]);
      expect((server as unknown as Record<symbol, unknown>)[HOOKED]).toBe(
        undefined,
      );
      expect(await get(server, '/')).toEqual({ status: 200, body: 'ok /' });
    });

    it('does nothing without an HTTP server', () => {
      const hook = hookOn(undefined, [fake('A', [])]);
      expect(() => hook.onApplicationShutdown()).not.toThrow();
    });

    it('wraps a server once even when bootstrap runs twice', async () => {
      const calls: Call[] = [];
      const observers = [fake('A', calls)];
      const server = await listen(app(calls, observers));
      const hook = hookOn(server, observers);
      const installed = server.listeners('request');
      hook.onApplicationBootstrap();

      expect(server.listeners('request')).toEqual(installed);
      await get(server, '/twice');
      await until(() => ofKind(calls, 'end').length === 1, 'for 1 end');
      await settle();
      expect(sequence(calls)).toEqual([
        'begin:A',
        'enter:A',
        'listener:app',
        'exit:A',
        'end:A',
      ]);
    });

    it('leaves a server another hook wrapped to that hook', async () => {
      const calls: Call[] = [];
      const first = [fake('A', calls)];
      const second = [fake('B', calls)];
      const listener = app(calls, first);
      const server = await listen(listener);
      const firstHook = hookOn(server, first);
      const installed = server.listeners('request');
      const secondHook = hookOn(server, second);

      expect(server.listeners('request')).toEqual(installed);
      await get(server, '/shared');
      await until(() => ofKind(calls, 'end').length === 1, 'for 1 end');
      await settle();
      expect(sequence(calls)).toEqual([
        'begin:A',
        'enter:A',
        'listener:app',
        'exit:A',
        'end:A',
      ]);

      secondHook.onApplicationShutdown();
      expect(server.listeners('request')).toEqual(installed);
      firstHook.onApplicationShutdown();
      expect(server.listeners('request')).toEqual([listener]);
    });

    it('restores the original listeners at shutdown; a second shutdown is harmless', async () => {
      const calls: Call[] = [];
      const observers = [fake('A', calls)];
      const one = app(calls, observers, 'one');
      const two = app(calls, observers, 'two');
      const server = await listen(one, two);
      const hook = hookOn(server, observers);
      const tagged = server as unknown as Record<symbol, unknown>;

      expect(server.listeners('request')).toHaveLength(1);
      expect(tagged[HOOKED]).toBe(true);

      hook.onApplicationShutdown();
      expect(server.listeners('request')).toEqual([one, two]);
      expect(tagged[HOOKED]).toBe(false);
      hook.onApplicationShutdown();
      expect(server.listeners('request')).toEqual([one, two]);

      expect(await get(server, '/after')).toEqual({
        status: 200,
        body: 'ok /after',
      });
      await settle();
      expect(sequence(calls)).toEqual(['listener:one', 'listener:two']);

      // Unwrapped, the server can be wrapped again.
      hook.onApplicationBootstrap();
      expect(server.listeners('request')).toHaveLength(1);
      expect(tagged[HOOKED]).toBe(true);
    });

    // A second bootstrap of the same hook keeps the first install's uninstall.
    it('restores the original listener at shutdown even after bootstrap ran twice', async () => {
      const calls: Call[] = [];
      const observers = [fake('A', calls)];
      const listener = app(calls, observers);
      const server = await listen(listener);
      const hook = hookOn(server, observers);
      hook.onApplicationBootstrap();

      hook.onApplicationShutdown();
      expect(server.listeners('request')).toEqual([listener]);
    });

    it("calls every one of the app's request listeners, in order, inside the enters", async () => {
      const calls: Call[] = [];
      const observers = [fake('A', calls), fake('B', calls)];
      const server = await listen(
        app(calls, observers, 'one'),
        app(calls, observers, 'two'),
        app(calls, observers, 'three'),
      );
      hookOn(server, observers);

      expect(await get(server, '/many')).toEqual({
        status: 200,
        body: 'ok /many',
      });
      await until(() => ofKind(calls, 'end').length === 2, 'for 2 ends');
      await settle();

      expect(sequence(calls)).toEqual([
        'begin:A',
        'begin:B',
        'enter:A',
        'enter:B',
        'listener:one',
        'listener:two',
        'listener:three',
        'exit:B',
        'exit:A',
        'end:B',
        'end:A',
      ]);
      for (const call of ofKind(calls, 'listener'))
        expect(call.stores).toEqual(['A', 'B']);
    });
  });

  describe('route templates', () => {
    it('passes the Express route (base URL and route path) to end', async () => {
      const calls: Call[] = [];
      const observers = [fake('A', calls)];
      const listener = app(calls, observers);
      const server = await listen(function (req, res) {
        if (req.url === '/api/v1/deals/7')
          routeAs(req, '/api/v1', '/deals/:id');
        // Nest's catch-all under the global prefix is no route.
        if (req.url === '/api/nope') routeAs(req, '/api', '*path');
        listener.call(this, req, res);
      });
      hookOn(server, observers);

      await get(server, '/api/v1/deals/7');
      await get(server, '/api/nope');
      await until(() => ofKind(calls, 'end').length === 2, 'for 2 ends');

      expect(ofKind(calls, 'end').map((end) => end.route)).toEqual([
        '/api/v1/deals/:id',
        undefined,
      ]);
    });

    it("passes Fastify's matched route to end, hooking Fastify once", async () => {
      type OnRequest = (
        request: unknown,
        reply: unknown,
        done: () => void,
      ) => void;
      const onRequest: OnRequest[] = [];
      const fastify = {
        addHook: jest.fn((_name: string, hook: OnRequest) => {
          onRequest.push(hook);
        }),
      };
      const calls: Call[] = [];
      const observers = [fake('A', calls)];
      const linked: unknown[] = [];
      const listener = app(calls, observers);
      const server = await listen(function (req, res) {
        // What Fastify does as it routes the raw request.
        const request = { raw: req, routeOptions: { url: '/deals/:id' } };
        for (const hook of onRequest) hook(request, {}, () => undefined);
        linked.push(fastifyRequestOf(req) === request);
        listener.call(this, req, res);
      });
      const hook = hookOn(
        server,
        observers,
        new DirectRoutes(),
        adapterHost(server, 'fastify', fastify),
      );
      hook.onApplicationBootstrap();

      await get(server, '/deals/7');
      await until(() => ofKind(calls, 'end').length === 1, 'for 1 end');

      expect(fastify.addHook).toHaveBeenCalledTimes(1);
      expect(fastify.addHook).toHaveBeenCalledWith(
        'onRequest',
        expect.any(Function),
      );
      expect(linked).toEqual([true]);
      expect(ofKind(calls, 'end')[0]!.route).toBe('/deals/:id');
    });
  });
});

import { quote } from './json-line';
import type { Redactor } from './redactor';

// Bounds each cache: route templates and handlers are few, methods fewer still.
const CACHE_LIMIT = 1000;

/** A text as the request line writes it: a JSON string, and what is inside its quotes. */
export interface JsonText {
  /** `"GET"`: the JSON string. */
  readonly json: string;
  /** `GET`: the same without its quotes, for the message. */
  readonly inner: string;
}

/**
 * The request line's parts that repeat from request to request, serialized once: the
 * method, the route template, the handler's `module`/`function` and the last user agent.
 * Each value is what the line would have had anyway; the redactor is deterministic for
 * a given text, so its result can be reused for the same text.
 */
export class RequestLineParts {
  private readonly methods = new Map<string, JsonText>();
  private readonly routes = new Map<string, JsonText>();
  private readonly handlers = new WeakMap<
    object,
    { controller: string; method: string; fields: string }
  >();
  private userAgent: string | undefined;
  private userAgentJson = '';

  constructor(private readonly redactor: Redactor) {}

  /** The redacted method. */
  method(method: string): JsonText {
    let text = this.methods.get(method);
    if (text === undefined) {
      text = jsonText(this.redactor.text(method));
      remember(this.methods, method, text);
    }
    return text;
  }

  /** The route template. */
  route(route: string): JsonText {
    let text = this.routes.get(route);
    if (text === undefined) {
      text = jsonText(route);
      remember(this.routes, route, text);
    }
    return text;
  }

  /** `,"module":…,"function":…` of the controller method Nest routed to. */
  handler(handler: { controller: string; method: string }): string {
    const { controller, method } = handler;
    const known = this.handlers.get(handler);
    if (known?.controller === controller && known.method === method)
      return known.fields;
    const fields = `,"module":${quote(controller)},"function":${quote(`${controller}.${method}`)}`;
    this.handlers.set(handler, { controller, method, fields });
    return fields;
  }

  /** The redacted user agent as a JSON string (the last one is kept: clients repeat theirs). */
  userAgentOf(userAgent: string): string {
    if (userAgent !== this.userAgent) {
      this.userAgentJson = quote(this.redactor.text(userAgent));
      this.userAgent = userAgent;
    }
    return this.userAgentJson;
  }
}

function jsonText(text: string): JsonText {
  const json = quote(text);
  return { json, inner: json.slice(1, -1) };
}

function remember<T>(cache: Map<string, T>, key: string, value: T): void {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
}

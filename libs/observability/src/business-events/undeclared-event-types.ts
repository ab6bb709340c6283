import 'reflect-metadata';
import type { ModulesContainer } from '@nestjs/core';
import type { ConfigProblem } from '../core/observability-config.error';
import { BUSINESS_EVENT_METADATA } from './business-event.constants';

/**
 * Finds `@TrackBusinessEvent()` methods on the app's providers, controllers and
 * enhancers whose event type `declared` lacks, one problem per method and type.
 * Methods are read from prototypes without invoking getters.
 */
export function findUndeclaredEventTypes(
  modules: ModulesContainer,
  declared: ReadonlySet<string>,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Set<object>();
  for (const module of modules.values()) {
    for (const wrappers of [
      module.providers,
      module.controllers,
      module.injectables,
    ]) {
      for (const wrapper of wrappers.values()) {
        try {
          for (const prototype of prototypesOf(
            wrapper.instance,
            wrapper.metatype,
          )) {
            checkPrototypeChain(prototype, declared, seen, problems);
          }
        } catch {
          // An exotic provider value (a Proxy, ...): it cannot carry decorated methods we read.
        }
      }
    }
  }
  return problems;
}

function prototypesOf(instance: unknown, metatype: unknown): object[] {
  const found: object[] = [];
  if (typeof instance === 'object' && instance !== null) {
    const prototype = Object.getPrototypeOf(instance) as object | null;
    if (prototype) found.push(prototype);
  }
  if (typeof metatype === 'function') {
    const prototype = (metatype as { prototype?: unknown }).prototype;
    if (typeof prototype === 'object' && prototype !== null)
      found.push(prototype);
  }
  return found;
}

function checkPrototypeChain(
  prototype: object,
  declared: ReadonlySet<string>,
  seen: Set<object>,
  problems: ConfigProblem[],
): void {
  for (
    let level: object | null = prototype;
    level !== null && level !== Object.prototype && !seen.has(level);
    level = Object.getPrototypeOf(level) as object | null
  ) {
    seen.add(level);
    for (const key of Object.getOwnPropertyNames(level)) {
      const value = Object.getOwnPropertyDescriptor(level, key)
        ?.value as unknown;
      if (key === 'constructor' || typeof value !== 'function') continue;
      const types = Reflect.getOwnMetadata(BUSINESS_EVENT_METADATA, value) as
        readonly string[] | undefined;
      for (const type of new Set(types ?? [])) {
        if (declared.has(type)) continue;
        problems.push({
          path: 'businessEvents.eventTypes',
          message: `does not declare ${JSON.stringify(type)}, used by @TrackBusinessEvent() on ${className(level)}.${key}; add it to businessEvents.eventTypes`,
        });
      }
    }
  }
}

function className(prototype: object): string {
  const ctor = (prototype as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === 'string' && ctor.name !== ''
    ? ctor.name
    : '(anonymous)';
}

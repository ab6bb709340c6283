import { RequestMethod, VERSION_NEUTRAL } from '@nestjs/common';
import {
  METHOD_METADATA,
  MODULE_PATH,
  PATH_METADATA,
  VERSION_METADATA,
} from '@nestjs/common/constants';
import type { ModuleRef, ModulesContainer } from '@nestjs/core';

/** One route of the app as the `method` and `endpoint` labels name it. */
export interface AppRoute {
  /** `GET`, ..., or `ALL` for `@All()`. */
  method: string;
  /** The template, global prefix and URI version included: `/api/v1/deals/:id`. */
  endpoint: string;
}

/** The parts of Nest's ApplicationConfig the route paths depend on. */
interface RouteConfig {
  getGlobalPrefix(): string;
  getVersioning():
    | { type: number; prefix?: string | false; defaultVersion?: unknown }
    | undefined;
}

const URI_VERSIONING = 0;

/**
 * The routes Nest registered, rebuilt from controller metadata the way Nest's router
 * builds them: global prefix, RouterModule path, URI version, controller and handler
 * paths. Global-prefix exclusions are not modelled: an excluded route shows here with
 * the prefix (docs/slo.md says so). Works the same on Express and Fastify.
 */
export function appRoutes(
  modules: ModulesContainer,
  moduleRef: ModuleRef,
): AppRoute[] {
  // ApplicationConfig is not a provider; Nest's own container holds it.
  const config = (
    moduleRef as unknown as { container?: { applicationConfig?: RouteConfig } }
  ).container?.applicationConfig;
  const prefix = config?.getGlobalPrefix() ?? '';
  const versioning = config?.getVersioning();
  const routes: AppRoute[] = [];
  for (const module of modules.values()) {
    const modulePath = text(
      Reflect.getMetadata(
        MODULE_PATH + modules.applicationId,
        module.metatype,
      ) ?? Reflect.getMetadata(MODULE_PATH, module.metatype),
    );
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new () => object) | null;
      if (typeof type !== 'function') continue;
      const controllerPaths = asList(Reflect.getMetadata(PATH_METADATA, type));
      const controllerVersion: unknown = Reflect.getMetadata(
        VERSION_METADATA,
        type,
      );
      for (const name of methodNames(type.prototype as object)) {
        const handler = (type.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function') continue;
        const verb: unknown = Reflect.getMetadata(METHOD_METADATA, handler);
        if (typeof verb !== 'number') continue;
        const versions =
          versioning?.type === URI_VERSIONING
            ? asList(
                Reflect.getMetadata(VERSION_METADATA, handler) ??
                  controllerVersion ??
                  versioning.defaultVersion,
              ).map((v) =>
                v === VERSION_NEUTRAL || v === undefined
                  ? ''
                  : `${versioning.prefix === false ? '' : (versioning.prefix ?? 'v')}${text(v)}`,
              )
            : [''];
        for (const controllerPath of controllerPaths)
          for (const handlerPath of asList(
            Reflect.getMetadata(PATH_METADATA, handler),
          ))
            for (const version of versions)
              routes.push({
                method: RequestMethod[verb] ?? 'ALL',
                endpoint: joinPath([
                  prefix,
                  version,
                  modulePath,
                  controllerPath,
                  handlerPath,
                ]),
              });
      }
    }
  }
  return routes;
}

/** A path or version from metadata: strings (and numbers) as they are. */
function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number'
    ? String(value)
    : '';
}

function asList(value: unknown): unknown[] {
  if (value === undefined) return [undefined];
  return Array.isArray(value) ? (value as unknown[]) : [value];
}

function methodNames(prototype: object): string[] {
  const names = new Set<string>();
  for (
    let proto: object | null = prototype;
    proto !== null && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto) as object | null
  )
    for (const name of Object.getOwnPropertyNames(proto))
      if (name !== 'constructor') names.add(name);
  return [...names];
}

/** `['api', '', '/deals/', ':id']` → `/api/deals/:id`; nothing → `/`. */
function joinPath(parts: unknown[]): string {
  const segments = parts
    .filter((part) => part !== undefined)
    .flatMap((part) => text(part).split('/'))
    .filter((segment) => segment !== '');
  return `/${segments.join('/')}`;
}

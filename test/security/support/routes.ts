import { METHODS } from 'node:http';
import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import {
  ApplicationConfig,
  DiscoveryService,
  MetadataScanner,
  ModulesContainer,
} from '@nestjs/core';
import { IS_PUBLIC, ROLES_KEY, Role } from '@app/access';

/** One route of the running app, as Nest registered it, with the access metadata of libs/access. */
export interface DiscoveredRoute {
  /** `GET /api/applications/:id`: the key of the fixture table. */
  key: string;
  method: string;
  path: string;
  handler: string;
  /** @Roles() of the handler, else of its controller; null when there is none (any signed-in user). */
  roles: Role[] | null;
  /** @Public(): no token needed. */
  isPublic: boolean;
}

const join = (...parts: string[]): string =>
  `/${parts
    .flatMap((p) => p.split('/'))
    .filter((p) => p !== '')
    .join('/')}`;

/** A path metadata value: absent (the root), one path, or several. */
const asList = (value: string | string[] | undefined): string[] =>
  value === undefined ? ['/'] : Array.isArray(value) ? value : [value];

/**
 * Every route of every controller the app mounted, read from Nest's own
 * metadata (the decorators' PATH_METADATA and METHOD_METADATA), so that a new
 * controller or handler shows up here without anyone listing it.
 */
export function discoverRoutes(app: INestApplication): DiscoveredRoute[] {
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  const scanner = new MetadataScanner();
  const prefix = app.get(ApplicationConfig).getGlobalPrefix();
  const routes: DiscoveredRoute[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
    if (!controller) continue;
    const bases = asList(Reflect.getMetadata(PATH_METADATA, controller) as string | undefined);
    for (const name of scanner.getAllMethodNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name] as object;
      const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (paths === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
      const meta = <T>(key: string): T | undefined =>
        (Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller)) as
          T | undefined;
      for (const base of bases) {
        for (const own of asList(paths)) {
          const path = join(prefix, base, own);
          routes.push({
            key: `${method} ${path}`,
            method,
            path,
            handler: `${controller.name}.${name}`,
            roles: meta<Role[]>(ROLES_KEY) ?? null,
            isPublic: meta<boolean>(IS_PUBLIC) === true,
          });
        }
      }
    }
  }
  return routes.sort((a, b) => a.key.localeCompare(b.key));
}

interface ExpressLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/**
 * Every concrete route in Express' router, including what was mounted beside
 * Nest's controllers (Swagger's pages). Catch-all layers (`router.all`, Nest's
 * not-found handlers) are left out: they answer every method and are no route of ours.
 */
export function expressRoutes(app: INestApplication): string[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
  const keys = new Set<string>();
  for (const layer of express.router.stack) {
    if (!layer.route || layer.route.methods._all) continue;
    const methods = Object.keys(layer.route.methods).filter((m) => layer.route!.methods[m]);
    // Nest's catch-alls (`/api`, `/api/{*path}`) are registered for every HTTP method there is.
    if (methods.length >= METHODS.length / 2) continue;
    for (const m of methods) keys.add(`${m.toUpperCase()} ${layer.route.path}`);
  }
  return [...keys].sort();
}

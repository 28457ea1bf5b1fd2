import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

/** The part of Express 5's application this reads: its router's layers and their routes. */
interface ExpressApp {
  router?: { stack?: { route?: { path?: unknown } }[] };
}

/**
 * The literal words of route paths (`/api/applications/:id/decisions` gives
 * `api`, `applications`, `decisions`): parameters and patterns are left out.
 */
export function routeWordsOf(paths: readonly string[]): Set<string> {
  const words = new Set<string>();
  for (const path of paths)
    for (const segment of path.split('/'))
      if (segment !== '' && !/[:{}*()?]/.test(segment)) words.add(segment);
  return words;
}

/**
 * The words of the service's own routes, read from the HTTP server's router
 * once Nest has registered every route (before the server listens). A request
 * log keeps these in a path and masks anything else a person may have typed
 * (`loggablePath`): a list kept by hand would fall behind the routes, and a
 * pattern ("lower-case words") let a name typed in pinyin through.
 *
 * A process without an HTTP server (the worker) has no words; it logs no
 * requests.
 */
@Injectable()
export class RouteWords implements OnApplicationBootstrap {
  private words: ReadonlySet<string> = new Set();

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onApplicationBootstrap(): void {
    const app = this.adapterHost.httpAdapter?.getInstance<ExpressApp>();
    const paths = (app?.router?.stack ?? [])
      .map((layer) => layer.route?.path)
      .filter((path): path is string => typeof path === 'string');
    this.words = routeWordsOf(paths);
  }

  has(segment: string): boolean {
    return this.words.has(segment);
  }
}

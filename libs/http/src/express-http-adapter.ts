import * as http from 'node:http';
import * as https from 'node:https';
import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';

/**
 * Nest's Express adapter, with the server building each request and response
 * on Express's own prototypes from the start.
 *
 * Express gives every request and response its methods by changing their
 * prototype (`Object.setPrototypeOf(req, app.request)` in `app.handle`). V8
 * then moves the object to a map outside the shared transition tree, and every
 * property set on it afterwards (by Express, the router, pino-http, Nest, the
 * guard) makes a new map and a copy of its descriptors for that one object.
 * The maps live in the old generation: once the request is over they are
 * garbage there until the next mark-compact, and keep what they point to in
 * the young generation alive across scavenges, so that it is promoted. With
 * the prototype right from the constructor, Express's `setPrototypeOf` finds
 * it already set and does nothing, and the objects share maps again.
 */
export class PrototypedExpressAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    const classes = expressMessageClasses(this.getInstance<Express>());
    this.httpServer = options?.httpsOptions
      ? https.createServer({ ...options.httpsOptions, ...classes }, this.getInstance())
      : http.createServer(classes, this.getInstance());
    if (options?.forceCloseConnections) {
      (this as unknown as { trackOpenConnections(): void }).trackOpenConnections();
    }
  }
}

/**
 * Subclasses of Node's request and response whose prototypes inherit from the
 * app's `request` and `response`, which then become these prototypes (so the
 * app's own `setPrototypeOf` is a no-op).
 */
function expressMessageClasses(app: Express): {
  IncomingMessage: typeof http.IncomingMessage;
  ServerResponse: typeof http.ServerResponse;
} {
  class ExpressRequest extends http.IncomingMessage {}
  class ExpressResponse<
    Request extends http.IncomingMessage,
  > extends http.ServerResponse<Request> {}
  Object.setPrototypeOf(ExpressRequest.prototype, app.request);
  Object.setPrototypeOf(ExpressResponse.prototype, app.response);
  app.request = ExpressRequest.prototype as unknown as Express['request'];
  app.response = ExpressResponse.prototype as unknown as Express['response'];
  return { IncomingMessage: ExpressRequest, ServerResponse: ExpressResponse };
}

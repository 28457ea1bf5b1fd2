import type { Server } from 'node:http';
import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json, NextFunction, Request, Response } from 'express';
import { AppConfig, trustProxySetting } from '@app/config';
import { errorBody } from './error-body';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { DenialListener } from './denial-listener';
import { requestId } from './request-id';
import { createValidationPipe } from './validation.pipe';

/** Upper bound of a JSON body; uploads go through multipart with their own limit. */
export const JSON_BODY_LIMIT = '256kb';

/**
 * The HTTP pipeline shared by the API process and the end-to-end tests, so the
 * tests exercise exactly what clients meet.
 */
export function configureHttpApp(app: INestApplication): void {
  const config = app.get(AppConfig);
  const trustProxy = trustProxySetting(config);
  // The client's address (rate limits, audit) is X-Forwarded-For only from the proxies named here.
  (app as NestExpressApplication).set('trust proxy', trustProxy);
  holdIdleConnections(app.getHttpServer() as Server, config.httpKeepAliveSeconds);
  app.setGlobalPrefix('api');
  app.use(requestId({ trustIncoming: trustProxy !== false }));
  app.use(helmet());
  app.use(noStoreUnlessPublic());
  app.use(jsonBody());
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter(optional(app, DenialListener)));
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Housing-difficulty survey')
      .setDescription('Applications, three-level review, public notices and tier statistics.')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document);
}

/**
 * Idle keep-alive connections are held `seconds` (see AppConfig.httpKeepAliveSeconds).
 * The headers' timeout stays above the keep-alive, as Node's documentation
 * advises for a server behind a proxy, so that it never cuts a kept connection first.
 */
function holdIdleConnections(server: Server, seconds: number): void {
  server.keepAliveTimeout = seconds * 1000;
  server.headersTimeout = Math.max(server.headersTimeout, (seconds + 1) * 1000);
}

/** A provider the app may or may not have (the audit trail's denial listener). */
function optional<T>(
  app: INestApplication,
  token: abstract new (...args: never[]) => T,
): T | undefined {
  try {
    return app.get<T>(token, { strict: false });
  } catch {
    return undefined;
  }
}

/**
 * `Cache-Control: no-store` on every answer but the public board's: what an
 * account is answered (an application, a register, an error naming its
 * fields) must not stay in a browser's cache on a shared computer at a
 * community's desk, or in a proxy's. A route may set its own (a material's file
 * says `private, no-store`). The public board is masked and may be cached.
 */
function noStoreUnlessPublic() {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!req.path.startsWith('/api/public/')) res.setHeader('Cache-Control', 'no-store');
    next();
  };
}

/**
 * body-parser reports through Express' error chain, which Nest's filters do not
 * see; answering here keeps malformed and oversized bodies in the contract's shape.
 * What the recursive validation would choke on (deep nesting) or silently drop
 * (prototype keys) is refused by the validation pipe, for bodies, queries and
 * upload fields alike (see jsonBodyProblem).
 */
function jsonBody() {
  const parse = json({ limit: JSON_BODY_LIMIT, strict: true });
  return (req: Request, res: Response, next: NextFunction): void => {
    parse(req, res, (err?: unknown) => {
      if (!err) return next();
      const status = (err as { status?: number }).status === 413 ? 413 : 400;
      const body =
        status === 413
          ? errorBody(413, 'PAYLOAD_TOO_LARGE', `JSON body larger than ${JSON_BODY_LIMIT}`)
          : errorBody(400, 'MALFORMED_BODY', 'The body is not valid JSON');
      res.status(status).json(body);
    });
  };
}

import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { json, NextFunction, Request, Response } from 'express';
import { errorBody } from './error-body';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { createValidationPipe } from './validation.pipe';

/** Upper bound of a JSON body; uploads go through multipart with their own limit. */
export const JSON_BODY_LIMIT = '256kb';

/**
 * The HTTP pipeline shared by the API process and the end-to-end tests, so the
 * tests exercise exactly what clients meet.
 */
export function configureHttpApp(app: INestApplication): void {
  app.setGlobalPrefix('api');
  app.use(helmet());
  app.use(jsonBody());
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
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
 * body-parser reports through Express' error chain, which Nest's filters do not
 * see; answering here keeps malformed and oversized bodies in the contract's shape.
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

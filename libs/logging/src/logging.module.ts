import { Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '@app/config';

/**
 * Keys of personal data and secrets, and those that carry a request's data
 * inside a database error (TypeORM's `parameters` and `driverError`, and the
 * driver's `detail`: `Key (id_number)=(…)`). Errors are logged through
 * loggableError, which leaves them out; this is the net behind it.
 */
const REDACTED_KEYS = [
  'password',
  'passwordHash',
  'idNumber',
  'ownerIdNumber',
  'memberIdNumber',
  'annualIncome',
  'accessToken',
  'parameters',
  'driverError',
  'detail',
];

/**
 * pino's wildcard matches one level only (`*.idNumber` misses `a.b.idNumber`),
 * so each key is listed at every depth up to this one; arrays count as a level.
 */
const REDACTED_DEPTH = 5;

/**
 * Personal data never reaches the logs: these paths are replaced wherever they
 * appear in a logged object (request bodies are not logged at all).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  ...REDACTED_KEYS.flatMap((key) =>
    Array.from({ length: REDACTED_DEPTH + 1 }, (_, depth) =>
      [...Array<string>(depth).fill('*'), key].join('.'),
    ),
  ),
];

/** Structured JSON logs for both processes (one line per event, pino). */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // Express 5's route syntax for "every path" (the default '*' is the old one).
        forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
        pinoHttp: {
          level: config.logLevel,
          redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
          // Log the route, never the query string: it may carry personal data.
          serializers: {
            req: (req: { id: unknown; method: string; url: string }) => ({
              id: req.id,
              method: req.method,
              path: req.url.split('?')[0],
            }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
          autoLogging: { ignore: (req: { url?: string }) => req.url === '/api/health' },
        },
      }),
    }),
  ],
})
export class LoggingModule {}

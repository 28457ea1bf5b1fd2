import { Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '@app/config';
import { redactingDestination } from './redacting-destination';

/** Structured JSON logs for both processes (one line per event, pino). */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // Express 5's route syntax for "every path" (the default '*' is the old one).
        forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
        // Personal data never reaches the logs: every line passes redactLine on its way out
        // (request bodies are not logged at all).
        pinoHttp: [
          {
            level: config.logLevel,
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
          redactingDestination(),
        ],
      }),
    }),
  ],
})
export class LoggingModule {}

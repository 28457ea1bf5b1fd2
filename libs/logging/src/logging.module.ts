import { Inject, Module, OnApplicationShutdown, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '@app/config';
import { loggablePath } from './loggable-path';
import { LogDestination, redactingDestination } from './redacting-destination';
import { RouteWords } from './route-words';

const LOG_DESTINATION = Symbol('LOG_DESTINATION');

/**
 * The process's one log destination, shared by pino and LoggingModule's
 * shutdown, and the route words its request lines may keep.
 */
@Module({
  providers: [{ provide: LOG_DESTINATION, useFactory: () => redactingDestination() }, RouteWords],
  exports: [LOG_DESTINATION, RouteWords],
})
class LogDestinationModule {}

/** Structured JSON logs for both processes (one line per event, pino). */
@Module({
  imports: [
    LogDestinationModule,
    LoggerModule.forRootAsync({
      imports: [LogDestinationModule],
      inject: [AppConfig, LOG_DESTINATION, RouteWords],
      useFactory: (config: AppConfig, destination: LogDestination, routeWords: RouteWords) => ({
        // Express 5's route syntax for "every path" (the default '*' is the old one).
        forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
        // Personal data never reaches the logs: every line passes redactLine on its way out
        // (request bodies are not logged at all).
        pinoHttp: [
          {
            level: config.logLevel,
            // Never the query string, nor a path segment a person may have typed: either may carry personal data.
            serializers: {
              req: (req: { id: unknown; method: string; url: string }) => ({
                id: req.id,
                method: req.method,
                path: loggablePath(req.url, routeWords),
              }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
            autoLogging: { ignore: (req: { url?: string }) => req.url === '/api/health' },
          },
          destination,
        ],
      }),
    }),
  ],
})
export class LoggingModule implements OnApplicationShutdown {
  constructor(@Inject(LOG_DESTINATION) private readonly destination: LogDestination) {}

  /**
   * Modules deeper in the graph end after this one and may still log: from
   * here on each line is written at once, so none is left in the buffer when
   * the signal ends the process.
   */
  onApplicationShutdown(): void {
    this.destination.writeThrough();
  }
}

import { setFlagsFromString } from 'node:v8';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { loadConfig } from '@app/config';
import { configureHttpApp, PrototypedExpressAdapter } from '@app/http';
import { ServiceModule } from './service.module';

// V8's allocation-site pretenuring, once it has judged a site long-lived (as it does of the
// request path under load), allocates that site's objects straight into the old generation,
// where each one, dead at the end of its request, keeps its young referents alive until the
// next mark-compact: every request's objects are then promoted. Off, a GET promotes about
// 0.8 KB instead of 7 (26 before PrototypedExpressAdapter); see docs/performance.md.
setFlagsFromString('--no-allocation-site-pretenuring');

/** `--with-worker` also runs the queue workers in this process (npm start, the demo). */
async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const withWorker = process.argv.includes('--with-worker');
  const app = await NestFactory.create(
    ServiceModule.forRoot(config, { withWorker }),
    new PrototypedExpressAdapter(),
    {
      bufferLogs: true,
      bodyParser: false,
    },
  );
  app.useLogger(app.get(Logger));
  configureHttpApp(app);
  await app.listen(config.port);
  app.get(Logger).log(`API listening on http://localhost:${config.port}/api (docs at /api/docs)`);
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { loadConfig } from '@app/config';
import { configureHttpApp } from '@app/http';
import { ServiceModule } from './service.module';

/** `--with-worker` also runs the queue workers in this process (npm start, the demo). */
async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const withWorker = process.argv.includes('--with-worker');
  const app = await NestFactory.create(ServiceModule.forRoot(config, { withWorker }), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  configureHttpApp(app);
  await app.listen(config.port);
  app.get(Logger).log(`API listening on http://localhost:${config.port}/api (docs at /api/docs)`);
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

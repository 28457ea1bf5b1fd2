import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppConfig, loadConfig } from '@app/config';
import { CoreModule } from '@app/core';
import { CONNECTION_NAMES } from '@app/database';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const config: AppConfig = loadConfig();

  @Module({ imports: [CoreModule.forRoot(config, CONNECTION_NAMES.worker), WorkerModule] })
  class WorkerProcessModule {}

  const app = await NestFactory.createApplicationContext(WorkerProcessModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  app.get(Logger).log('worker started');
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

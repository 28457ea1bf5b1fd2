import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { CoreModule } from '@app/core';
import { CONNECTION_NAMES } from '@app/database';
import { WorkerModule } from '../../worker/src/worker.module';
import { ApiModule } from './api.module';

/**
 * A whole process: the core plus the HTTP side, and the queue workers too when
 * `withWorker` (the single-process mode of `npm start` and the demo).
 */
@Module({})
export class ServiceModule {
  static forRoot(config: AppConfig, { withWorker }: { withWorker: boolean }): DynamicModule {
    return {
      module: ServiceModule,
      imports: [
        CoreModule.forRoot(
          config,
          withWorker ? CONNECTION_NAMES.apiWithWorker : CONNECTION_NAMES.api,
        ),
        ApiModule.forRoot(config),
        ...(withWorker ? [WorkerModule] : []),
      ],
    };
  }
}

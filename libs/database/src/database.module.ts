import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@app/config';
import { AutovacuumCheck } from './autovacuum-check';
import { dataSourceOptions } from './data-source-options';

/** TypeORM on PostgreSQL, its connections named for the process (see `dataSourceOptions`). */
@Module({})
export class DatabaseModule {
  static forRoot(connectionName?: string): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            ...dataSourceOptions(config, connectionName),
            autoLoadEntities: true,
            // Fail fast at start-up instead of retrying for a minute.
            retryAttempts: 2,
            retryDelay: 1000,
          }),
        }),
      ],
      providers: [AutovacuumCheck],
    };
  }
}

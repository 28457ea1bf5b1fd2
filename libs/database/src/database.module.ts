import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@app/config';
import { AutovacuumCheck } from './autovacuum-check';
import { dataSourceOptions } from './data-source-options';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config),
        autoLoadEntities: true,
        // Fail fast at start-up instead of retrying for a minute.
        retryAttempts: 2,
        retryDelay: 1000,
      }),
    }),
  ],
  providers: [AutovacuumCheck],
})
export class DatabaseModule {}

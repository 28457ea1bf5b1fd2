import { DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '@app/audit';
import { AppConfig, ConfigModule } from '@app/config';
import { ClockModule } from '@app/clock';
import { DatabaseModule } from '@app/database';
import { LoggingModule } from '@app/logging';
import { RedisModule } from '@app/redis';

/**
 * What every process stands on: configuration, logs, PostgreSQL, Redis (whose
 * eviction policy is checked at start-up), the clock and the audit trail.
 * `connectionName` names the process's PostgreSQL connections (CONNECTION_NAMES).
 */
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, connectionName?: string): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        DatabaseModule.forRoot(connectionName),
        RedisModule,
        ClockModule,
        AuditModule,
      ],
    };
  }
}

import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { MulterModule } from '@nestjs/platform-express';
import { AccessModule, AuthGuard } from '@app/access';
import { ApplicationsModule, HashingDiskStorage, MAX_MATERIAL_BYTES } from '@app/applications';
import { CampaignsModule } from '@app/campaigns';
import { AppConfig } from '@app/config';
import { RegionsModule } from '@app/regions';
import { StatisticsModule } from '@app/statistics';
import { WorkingDaysModule } from '@app/working-days';
import { WorkflowModule } from '@app/workflow';
import { ApplicationsController } from './applications/applications.controller';
import { MaterialsController } from './applications/materials.controller';
import { AlertsController } from './workflow/alerts.controller';
import { PublicNoticesController } from './workflow/public-notices.controller';
import { ReviewController } from './workflow/review.controller';
import { AuditController } from './audit/audit.controller';
import { AuthController } from './auth/auth.controller';
import { UsersController } from './auth/users.controller';
import { CalendarController } from './calendar/calendar.controller';
import { CampaignsController } from './campaigns/campaigns.controller';
import { ClockController } from './clock/clock.controller';
import { HealthController } from './health/health.controller';
import { RegionsController } from './regions/regions.controller';
import { RegisterExportsController } from './statistics/register-exports.controller';
import { StatisticsController } from './statistics/statistics.controller';

/** The HTTP side: controllers over the capability modules in libs/. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    const controllers: Type[] = [
      HealthController,
      AuthController,
      UsersController,
      RegionsController,
      CampaignsController,
      CalendarController,
      ApplicationsController,
      MaterialsController,
      ReviewController,
      PublicNoticesController,
      AlertsController,
      StatisticsController,
      RegisterExportsController,
      AuditController,
    ];
    if (config.clock === 'manual') controllers.push(ClockController);
    return {
      module: ApiModule,
      imports: [
        AccessModule,
        RegionsModule,
        CampaignsModule,
        WorkingDaysModule,
        ApplicationsModule,
        WorkflowModule,
        StatisticsModule,
        MulterModule.registerAsync({
          inject: [AppConfig],
          useFactory: (c: AppConfig) => ({
            storage: new HashingDiskStorage(c.uploadDir),
            limits: { fileSize: MAX_MATERIAL_BYTES, files: 1, fields: 5, fieldSize: 256, parts: 6 },
          }),
        }),
      ],
      controllers,
      providers: [{ provide: APP_GUARD, useExisting: AuthGuard }],
    };
  }
}

import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessModule, AuthGuard } from '@app/access';
import { CampaignsModule } from '@app/campaigns';
import { AppConfig } from '@app/config';
import { RegionsModule } from '@app/regions';
import { WorkingDaysModule } from '@app/working-days';
import { AuthController } from './auth/auth.controller';
import { UsersController } from './auth/users.controller';
import { CalendarController } from './calendar/calendar.controller';
import { CampaignsController } from './campaigns/campaigns.controller';
import { ClockController } from './clock/clock.controller';
import { HealthController } from './health/health.controller';
import { RegionsController } from './regions/regions.controller';

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
    ];
    if (config.clock === 'manual') controllers.push(ClockController);
    return {
      module: ApiModule,
      imports: [AccessModule, RegionsModule, CampaignsModule, WorkingDaysModule],
      controllers,
      providers: [{ provide: APP_GUARD, useExisting: AuthGuard }],
    };
  }
}

import { Module } from '@nestjs/common';
import { CampaignsModule } from '@app/campaigns';
import { RegionsModule } from '@app/regions';
import { RegisterService } from './register.service';
import { StatisticsScopes } from './statistics-scope';
import { TierStatisticsService } from './tier-statistics.service';

/** The 8 × 7 tier table and the register of approved households; the API app mounts the controller. */
@Module({
  imports: [RegionsModule, CampaignsModule],
  providers: [StatisticsScopes, TierStatisticsService, RegisterService],
  exports: [TierStatisticsService, RegisterService],
})
export class StatisticsModule {}

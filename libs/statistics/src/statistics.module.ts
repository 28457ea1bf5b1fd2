import { Module } from '@nestjs/common';
import { CampaignsModule } from '@app/campaigns';
import { RegionsModule } from '@app/regions';
import { TierStatisticsService } from './tier-statistics.service';

/** The 8 × 7 tier table by region and stage; the API app mounts its controller. */
@Module({
  imports: [RegionsModule, CampaignsModule],
  providers: [TierStatisticsService],
  exports: [TierStatisticsService],
})
export class StatisticsModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RegionsModule } from '@app/regions';
import { WorkingDaysModule } from '@app/working-days';
import { Campaign } from './campaign.entity';
import { CampaignsService } from './campaigns.service';

@Module({
  imports: [TypeOrmModule.forFeature([Campaign]), RegionsModule, WorkingDaysModule],
  providers: [CampaignsService],
  exports: [CampaignsService],
})
export class CampaignsModule {}

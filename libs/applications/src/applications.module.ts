import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CampaignsModule } from '@app/campaigns';
import { RegionsModule } from '@app/regions';
import { WorkingDaysModule } from '@app/working-days';
import { Application } from './application.entity';
import { ApplicationsService } from './applications.service';
import { HouseholdAssessor } from './household-assessor';
import { Material } from './materials/material.entity';
import { MaterialsService } from './materials/materials.service';
import { UploadSweeper } from './materials/upload-sweeper';

@Module({
  imports: [
    TypeOrmModule.forFeature([Application, Material]),
    CampaignsModule,
    RegionsModule,
    WorkingDaysModule,
  ],
  providers: [HouseholdAssessor, ApplicationsService, MaterialsService],
  exports: [HouseholdAssessor, ApplicationsService, MaterialsService, CampaignsModule],
})
export class ApplicationsModule {}

/** The queue side's share: sweeping what a crash mid-upload leaves on disk. */
@Module({ providers: [UploadSweeper] })
export class ApplicationsWorkerModule {}

import { Module } from '@nestjs/common';
import { CampaignsModule } from '@app/campaigns';
import { RegionsModule } from '@app/regions';
import { RegisterService } from './register.service';
import { RegisterExportQueue } from './register-exports/register-export-queue';
import { RegisterExportWorker } from './register-exports/register-export.worker';
import { RegisterExportsService } from './register-exports/register-exports.service';
import { RegisterExportsStore } from './register-exports/register-exports.store';
import { StatisticsScopes } from './statistics-scope';
import { TierStatisticsService } from './tier-statistics.service';

/** The 8 × 7 tier table, the register of approved households and its queued exports; the API app mounts the controllers. */
@Module({
  imports: [RegionsModule, CampaignsModule],
  providers: [
    StatisticsScopes,
    TierStatisticsService,
    RegisterService,
    RegisterExportsStore,
    RegisterExportQueue,
    RegisterExportsService,
  ],
  exports: [
    TierStatisticsService,
    RegisterService,
    RegisterExportsService,
    RegisterExportsStore,
    RegisterExportQueue,
  ],
})
export class StatisticsModule {}

/**
 * The queue side: the worker that writes queued register exports. The store
 * and queue come from StatisticsModule, so a process running both sides holds
 * one queue connection.
 */
@Module({
  imports: [StatisticsModule],
  providers: [RegisterExportWorker],
})
export class StatisticsWorkerModule {}

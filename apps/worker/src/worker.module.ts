import { Module } from '@nestjs/common';
import { ApplicationsWorkerModule } from '@app/applications';
import { StatisticsWorkerModule } from '@app/statistics';
import { WorkflowWorkerModule } from '@app/workflow';

/**
 * The queue side: the workers that apply the review workflow's transitions,
 * write queued register exports and sweep what a crash mid-upload left on
 * disk. Imported by the worker process and, in
 * single-process mode, by the API process.
 */
@Module({ imports: [WorkflowWorkerModule, StatisticsWorkerModule, ApplicationsWorkerModule] })
export class WorkerModule {}

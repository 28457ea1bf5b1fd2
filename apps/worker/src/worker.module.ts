import { Module } from '@nestjs/common';
import { StatisticsWorkerModule } from '@app/statistics';
import { WorkflowWorkerModule } from '@app/workflow';

/**
 * The queue side: the workers that apply the review workflow's transitions and
 * write queued register exports. Imported by the worker process and, in
 * single-process mode, by the API process.
 */
@Module({ imports: [WorkflowWorkerModule, StatisticsWorkerModule] })
export class WorkerModule {}

import { Module } from '@nestjs/common';
import { WorkflowWorkerModule } from '@app/workflow';

/**
 * The queue side: the workers that apply the review workflow's transitions.
 * Imported by the worker process and, in single-process mode, by the API process.
 */
@Module({ imports: [WorkflowWorkerModule] })
export class WorkerModule {}

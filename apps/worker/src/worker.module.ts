import { Module } from '@nestjs/common';

/**
 * The queue side: BullMQ processors of the review workflow are registered here
 * (they arrive with the workflow). Imported by the worker process and, in
 * single-process mode, by the API process.
 */
@Module({})
export class WorkerModule {}

import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AppConfig } from '@app/config';
import {
  closeWithin,
  EXPORT_ATTEMPTS,
  EXPORT_BACKOFF,
  ExportJobs,
  KEEP_COMPLETED,
  KEEP_FAILED,
  queueConnection,
  QUEUES,
} from '@app/queue';

/**
 * The producer side of the exports queue. The job id is the export's id, so
 * adding an export twice (a retry of the request, the reconciler after a
 * Redis wipe) leaves one job.
 */
@Injectable()
export class RegisterExportQueue implements OnApplicationShutdown {
  readonly queue: Queue<ExportJobs['register']>;
  private readonly logger = new Logger('RegisterExportQueue');

  constructor(config: AppConfig) {
    const { connection, prefix } = queueConnection(config);
    this.queue = new Queue(QUEUES.exports, { connection, prefix });
    // An 'error' with no listener ends the process; a lost connection is retried by ioredis.
    this.queue.on('error', (e) => this.logger.warn(`exports queue: ${e.message}`));
  }

  async enqueue(exportId: string): Promise<void> {
    await this.queue.add(
      'register',
      { exportId },
      {
        jobId: exportId,
        attempts: EXPORT_ATTEMPTS,
        backoff: EXPORT_BACKOFF,
        removeOnComplete: KEEP_COMPLETED,
        removeOnFail: KEEP_FAILED,
      },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await closeWithin(this.queue);
  }
}

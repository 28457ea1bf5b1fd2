import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job } from 'bullmq';
import { rm } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import { Clock } from '@app/clock';
import { AppConfig } from '@app/config';
import { loggableMessage } from '@app/http';
import { closeWorker, ExportJobs, GuardedWorker, queueConnection, QUEUES } from '@app/queue';
import { countRegister, RegisterFilter } from '../register-source';
import { writeRegister } from '../register-writer';
import { exportFilePath } from './export-files';
import { RegisterExportRow } from './register-export';
import { writeFileAtomically } from './register-export-file';
import { RegisterExportQueue } from './register-export-queue';
import { RegisterExportsStore } from './register-exports.store';

/** One export at a time per worker process: each reads the whole register and writes a file. */
export const EXPORT_CONCURRENCY = 1;
/** How long a finished export's file is kept for download. */
export const EXPORT_RETENTION_MS = 24 * 3600 * 1000;
/** How often each worker re-adds jobs of unfinished exports (after a Redis wipe) and deletes expired files. */
export const EXPORT_RECONCILE_INTERVAL_MS = 60_000;

/**
 * The queue side of register exports: writes each export's file, reporting its
 * progress in PostgreSQL, then marks it done. A worker killed mid-file leaves
 * the export running with a `.part` file; BullMQ redelivers the job and the
 * export starts again from the beginning.
 */
@Injectable()
export class RegisterExportWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RegisterExports');
  private worker?: GuardedWorker<ExportJobs['register']>;
  private reconcileTimer?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    private readonly db: DataSource,
    private readonly store: RegisterExportsStore,
    private readonly queue: RegisterExportQueue,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const { connection, prefix } = queueConnection(this.config);
    this.worker = new GuardedWorker<ExportJobs['register']>(
      QUEUES.exports,
      (job) => this.process(job),
      {
        connection,
        prefix,
        concurrency: EXPORT_CONCURRENCY,
      },
    );
    this.worker.on('failed', (job: Job<ExportJobs['register']> | undefined, error: Error) =>
      this.logger.warn(`export ${job?.id} failed: ${loggableMessage(error)}`),
    );
    this.worker.on('error', (error) => this.logger.warn(`exports worker: ${error.message}`));
    // In the background: with Redis away a worker must still start.
    const reconcile = () =>
      this.reconcile().catch((e: Error) =>
        this.logger.warn(`export reconcile failed: ${e.message}`),
      );
    void reconcile();
    this.reconcileTimer = setInterval(() => void reconcile(), EXPORT_RECONCILE_INTERVAL_MS);
    this.reconcileTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.reconcileTimer);
    if (this.worker) await closeWorker(this.worker, 'exports worker', (m) => this.logger.warn(m));
    this.worker = undefined;
  }

  /** Re-adds the job of every unfinished export (a no-op where it exists) and deletes expired files. */
  async reconcile(): Promise<void> {
    for (const id of await this.store.openIds()) await this.queue.enqueue(id);
    for (const gone of await this.store.expire(this.clock.now()))
      await rm(exportFilePath(this.config.uploadDir, gone.id, gone.format), { force: true });
  }

  private async process(job: Job<ExportJobs['register']>): Promise<void> {
    const row = await this.store.claim(job.data.exportId, this.clock.now());
    // Done, failed or expired already: a redelivery has nothing to do.
    if (!row) return;
    try {
      await this.write(row);
    } catch (error) {
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (lastAttempt) await this.store.fail(row.id, 'EXPORT_FAILED', this.clock.now());
      throw error;
    }
  }

  private async write(row: RegisterExportRow): Promise<void> {
    const filter = await this.filterOf(row);
    await this.store.setTotal(row.id, await countRegister(this.db, filter));
    const written = await writeFileAtomically(
      exportFilePath(this.config.uploadDir, row.id, row.format),
      (out) =>
        writeRegister(this.db, filter, row.format, out, (rowsWritten) =>
          this.store.setProgress(row.id, rowsWritten),
        ),
    );
    const finishedAt = this.clock.now();
    await this.store.finish(row.id, {
      ...written,
      finishedAt,
      expiresAt: new Date(finishedAt.getTime() + EXPORT_RETENTION_MS),
    });
  }

  private async filterOf(row: RegisterExportRow): Promise<RegisterFilter> {
    const [region]: { path: string }[] = await this.db.query(
      `SELECT path FROM regions WHERE id = $1`,
      [row.region_id],
    );
    return { campaignId: row.campaign_id, regionPath: region.path };
  }
}

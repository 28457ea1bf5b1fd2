import { Injectable, Logger } from '@nestjs/common';
import { AuthUser } from '@app/access';
import { Clock } from '@app/clock';
import { AppConfig } from '@app/config';
import { AppError } from '@app/http';
import { within } from '@app/queue';
import { registerFileName } from '../register.service';
import { StatisticsScope, StatisticsScopes } from '../statistics-scope';
import { REGISTER_CONTENT_TYPES, RegisterFormat } from '../register-writer';
import { exportFilePath } from './export-files';
import { RegisterExportRow, RegisterExportView, toView } from './register-export';
import { CreateRegisterExportDto } from './register-export.dto';
import { RegisterExportQueue } from './register-export-queue';
import { RegisterExportsStore } from './register-exports.store';

/** How long a request waits to hand its job to Redis; past it, the workers' reconciler adds the job. */
const ENQUEUE_WAIT_MS = 5_000;

export interface ExportDownload {
  path: string;
  fileName: string;
  contentType: string;
}

/**
 * The API side of queued register exports. An export is its requester's own:
 * anyone else asking for it finds nothing (404). Each read checks the region
 * again, so a reviewer moved out of it since no longer reaches its file.
 */
@Injectable()
export class RegisterExportsService {
  private readonly logger = new Logger('RegisterExports');

  constructor(
    private readonly config: AppConfig,
    private readonly store: RegisterExportsStore,
    private readonly jobs: RegisterExportQueue,
    private readonly scopes: StatisticsScopes,
    private readonly clock: Clock,
  ) {}

  /** Records the export (the scope is decided here: 404/403 before anything is queued) and queues it. */
  async request(user: AuthUser, dto: CreateRegisterExportDto): Promise<RegisterExportView> {
    return this.queue(user, await this.scopes.resolve(user, dto), dto.format);
  }

  /**
   * Records and queues an export of a scope already resolved for `user`; the
   * same register of theirs still queued or running is answered instead (see
   * RegisterExportsStore.insertUnlessInFlight).
   */
  async queue(
    user: AuthUser,
    { campaign, region }: StatisticsScope,
    format: RegisterFormat,
  ): Promise<RegisterExportView> {
    const { row, created } = await this.store.insertUnlessInFlight({
      requestedBy: user.id,
      campaignId: campaign.id,
      regionId: region.id,
      format,
      fileName: registerFileName(campaign, region, format),
      requestedAt: this.clock.now(),
    });
    if (created) await this.handOver(row.id);
    return toView(row);
  }

  async list(user: AuthUser): Promise<RegisterExportView[]> {
    return (await this.store.listOwn(user.id)).map(toView);
  }

  async get(user: AuthUser, id: string): Promise<RegisterExportView> {
    return toView(await this.requireOwn(user, id));
  }

  /** The file of a done export; 409 while it is being written, once it failed or after it expired. */
  async download(user: AuthUser, id: string): Promise<ExportDownload> {
    const row = await this.requireOwn(user, id);
    const expired =
      row.status === 'expired' ||
      (row.status === 'done' && row.expires_at !== null && row.expires_at <= this.clock.now());
    if (expired)
      throw AppError.conflict('EXPORT_EXPIRED', 'The export has expired: request it again');
    if (row.status === 'failed')
      throw AppError.conflict('EXPORT_FAILED', 'The export failed: request it again');
    if (row.status !== 'done')
      throw AppError.conflict('EXPORT_NOT_READY', `The export is ${row.status}`);
    return {
      path: exportFilePath(this.config.uploadDir, row.id, row.format),
      fileName: row.file_name,
      contentType: REGISTER_CONTENT_TYPES[row.format],
    };
  }

  private async requireOwn(user: AuthUser, id: string): Promise<RegisterExportRow> {
    const row = await this.store.findOwn(id, user.id);
    if (!row) throw AppError.notFound('Export');
    await this.scopes.resolve(user, { campaignId: row.campaign_id, regionId: row.region_id });
    return row;
  }

  /**
   * The row is already committed, so the export happens even if Redis does not
   * answer now: the reconciler of every worker re-adds jobs of queued exports.
   */
  private async handOver(id: string): Promise<void> {
    const added = this.jobs
      .enqueue(id)
      .catch((e: Error) => this.logger.warn(`export ${id} left for the reconciler: ${e.message}`));
    await within(added, ENQUEUE_WAIT_MS, () => undefined);
  }
}

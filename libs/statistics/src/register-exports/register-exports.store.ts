import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { updateReturning } from '@app/database';
import type { RegisterFormat } from '../register-writer';
import type { RegisterExportRow } from './register-export';

// bigint arrives from pg as a string; a file size fits a double exactly.
const COLUMNS = `id, requested_by, campaign_id, region_id, format, status, file_name, rows_total,
  rows_written, size_bytes::float8 AS size_bytes, attempts, error_code, requested_at, started_at,
  finished_at, expires_at`;

export interface NewRegisterExport {
  requestedBy: string;
  campaignId: string;
  regionId: string;
  format: RegisterFormat;
  fileName: string;
  requestedAt: Date;
}

/** How recent an unfinished export of the same register must be to answer a new request. */
export const IN_FLIGHT_REUSE_MINUTES = 10;

/** Most exports one listing shows (newest first). */
export const EXPORT_LIST_LIMIT = 50;

/**
 * The `register_exports` table, the truth about every export. Each state change
 * is one conditional UPDATE, so a redelivered job or a second worker can never
 * move an export backwards (a done export is never started again).
 */
@Injectable()
export class RegisterExportsStore {
  constructor(private readonly db: DataSource) {}

  /**
   * A new export, unless the same requester asked for the same register
   * (campaign, region, format) in the last IN_FLIGHT_REUSE_MINUTES and it is
   * still queued or running: that one is the answer (`created` false). A double
   * click, a client's retry or a repeated GET of a large register would
   * otherwise write the same file twice. Only a recent one: an export stuck in
   * `running` (its worker killed until its job failed for good) must not stand
   * for every later request. The requester's key is locked for the check and
   * the insert, so two requests at once make one export.
   */
  async insertUnlessInFlight(
    e: NewRegisterExport,
  ): Promise<{ row: RegisterExportRow; created: boolean }> {
    return this.db.transaction(async (tx) => {
      const key = ['register-export', e.requestedBy, e.campaignId, e.regionId, e.format];
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [key.join(':')]);
      const [inFlight]: RegisterExportRow[] = await tx.query(
        `SELECT ${COLUMNS} FROM register_exports
          WHERE requested_by = $1 AND campaign_id = $2 AND region_id = $3 AND format = $4
            AND status IN ('queued', 'running')
            AND requested_at > $5::timestamptz - make_interval(mins => $6)
          ORDER BY serial DESC LIMIT 1`,
        [e.requestedBy, e.campaignId, e.regionId, e.format, e.requestedAt, IN_FLIGHT_REUSE_MINUTES],
      );
      if (inFlight) return { row: inFlight, created: false };
      const [row]: RegisterExportRow[] = await tx.query(
        `INSERT INTO register_exports (requested_by, campaign_id, region_id, format, file_name, requested_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
        [e.requestedBy, e.campaignId, e.regionId, e.format, e.fileName, e.requestedAt],
      );
      return { row, created: true };
    });
  }

  /** An export of this requester; anyone else's is absent. */
  async findOwn(id: string, requestedBy: string): Promise<RegisterExportRow | undefined> {
    const [row]: RegisterExportRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM register_exports WHERE id = $1 AND requested_by = $2`,
      [id, requestedBy],
    );
    return row;
  }

  async find(id: string): Promise<RegisterExportRow | undefined> {
    const [row]: RegisterExportRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM register_exports WHERE id = $1`,
      [id],
    );
    return row;
  }

  listOwn(requestedBy: string): Promise<RegisterExportRow[]> {
    return this.db.query(
      `SELECT ${COLUMNS} FROM register_exports WHERE requested_by = $1
        ORDER BY serial DESC LIMIT ${EXPORT_LIST_LIMIT}`,
      [requestedBy],
    );
  }

  /**
   * Takes a queued export, or one whose worker died while running it (it starts
   * again from the beginning); a done, failed or expired one is not taken.
   */
  async claim(id: string, now: Date): Promise<RegisterExportRow | undefined> {
    const [row] = await updateReturning<RegisterExportRow>(
      this.db,
      `UPDATE register_exports
          SET status = 'running', started_at = $2, attempts = attempts + 1,
              rows_written = 0, rows_total = NULL, error_code = NULL
        WHERE id = $1 AND status IN ('queued', 'running')
        RETURNING ${COLUMNS}`,
      [id, now],
    );
    return row;
  }

  async setTotal(id: string, rowsTotal: number): Promise<void> {
    await this.db.query(
      `UPDATE register_exports SET rows_total = $2 WHERE id = $1 AND status = 'running'`,
      [id, rowsTotal],
    );
  }

  async setProgress(id: string, rowsWritten: number): Promise<void> {
    await this.db.query(
      `UPDATE register_exports SET rows_written = $2 WHERE id = $1 AND status = 'running'`,
      [id, rowsWritten],
    );
  }

  /** True when this call completed it (a racing duplicate finds it done already). */
  async finish(
    id: string,
    result: { rowsWritten: number; sizeBytes: number; finishedAt: Date; expiresAt: Date },
  ): Promise<boolean> {
    const rows = await updateReturning<{ id: string }>(
      this.db,
      `UPDATE register_exports
          SET status = 'done', rows_written = $2, size_bytes = $3, finished_at = $4, expires_at = $5
        WHERE id = $1 AND status = 'running' RETURNING id`,
      [id, result.rowsWritten, result.sizeBytes, result.finishedAt, result.expiresAt],
    );
    return rows.length === 1;
  }

  async fail(id: string, errorCode: string, at: Date): Promise<void> {
    await this.db.query(
      `UPDATE register_exports SET status = 'failed', error_code = $2, finished_at = $3
        WHERE id = $1 AND status IN ('queued', 'running')`,
      [id, errorCode, at],
    );
  }

  /** Exports waiting for a worker or being written: their jobs are re-added after a Redis wipe. */
  async openIds(): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM register_exports WHERE status IN ('queued', 'running') ORDER BY serial`,
    );
    return rows.map((r) => r.id);
  }

  /** Marks done exports past their expiry as expired; answers them, so their files can be deleted. */
  expire(now: Date): Promise<Pick<RegisterExportRow, 'id' | 'format'>[]> {
    return updateReturning(
      this.db,
      `UPDATE register_exports SET status = 'expired'
        WHERE status = 'done' AND expires_at <= $1 RETURNING id, format`,
      [now],
    );
  }
}

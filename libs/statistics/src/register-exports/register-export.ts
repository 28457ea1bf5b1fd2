import type { RegisterFormat } from '../register-writer';

/** Where an export is: queued → running → done (then expired) or failed. */
export type RegisterExportStatus = 'queued' | 'running' | 'done' | 'failed' | 'expired';

/** A row of `register_exports`, as read. */
export interface RegisterExportRow {
  id: string;
  requested_by: string;
  campaign_id: string;
  region_id: string;
  format: RegisterFormat;
  status: RegisterExportStatus;
  file_name: string;
  rows_total: number | null;
  rows_written: number;
  size_bytes: number | null;
  attempts: number;
  error_code: string | null;
  requested_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  expires_at: Date | null;
}

/** What the API answers about an export. */
export interface RegisterExportView {
  id: string;
  campaignId: string;
  regionId: string;
  format: RegisterFormat;
  status: RegisterExportStatus;
  fileName: string;
  /** Households written so far, and how many there are (known once the export has started). */
  rowsWritten: number;
  rowsTotal: number | null;
  /** 0 to 1; exactly 1 only when the file is complete. */
  progress: number;
  sizeBytes: number | null;
  errorCode: string | null;
  requestedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  expiresAt: string | null;
  /** Where to fetch the file, once it is done. */
  downloadUrl: string | null;
}

export const REGISTER_EXPORTS_PATH = '/api/statistics/register-exports';

export function toView(row: RegisterExportRow): RegisterExportView {
  return {
    id: row.id,
    campaignId: row.campaign_id,
    regionId: row.region_id,
    format: row.format,
    status: row.status,
    fileName: row.file_name,
    rowsWritten: row.rows_written,
    rowsTotal: row.rows_total,
    progress: progressOf(row),
    sizeBytes: row.size_bytes,
    errorCode: row.error_code,
    requestedAt: row.requested_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
    expiresAt: row.expires_at?.toISOString() ?? null,
    downloadUrl: row.status === 'done' ? `${REGISTER_EXPORTS_PATH}/${row.id}/file` : null,
  };
}

/**
 * The total is counted when the export starts, in a moment of its own, so a
 * household approved in between can make the written rows pass it: progress
 * stays below 1 until the file is complete.
 */
export function progressOf(
  row: Pick<RegisterExportRow, 'status' | 'rows_written' | 'rows_total'>,
): number {
  if (row.status === 'done' || row.status === 'expired') return 1;
  if (!row.rows_total) return 0;
  return Math.min(row.rows_written / row.rows_total, 0.99);
}

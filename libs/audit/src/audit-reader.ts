import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { formatShanghaiInstant } from '@app/calendar';
import { AppError } from '@app/http';
import type { AuditAction, AuditOutcome } from './audit-actions';
import type { AuditActor, AuditDetail, AuditTarget } from './audit-entry';
import { AuditQueryDto, DEFAULT_AUDIT_PAGE } from './audit-query.dto';

export interface AuditRecordView {
  id: string;
  at: string;
  action: AuditAction;
  outcome: AuditOutcome;
  actor: AuditActor | null;
  target: AuditTarget | null;
  requestId: string | null;
  ip: string | null;
  detail: AuditDetail;
}

export interface AuditPage {
  items: AuditRecordView[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

interface AuditRow {
  id: string;
  at: Date;
  action: AuditAction;
  outcome: AuditOutcome;
  actor_id: string | null;
  actor_role: string | null;
  target_type: AuditTarget['type'] | null;
  target_id: string | null;
  request_id: string | null;
  ip: string | null;
  detail: AuditDetail;
}

/** The cursor is the last id seen, opaque to clients so that the paging key may change. */
export const encodeCursor = (id: string): string => Buffer.from(id).toString('base64url');

function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString();
  if (!/^[1-9]\d{0,17}$/.test(id)) {
    throw AppError.badRequest('VALIDATION_FAILED', 'cursor is not one this service gave', [
      { code: 'INVALID_FIELD', field: 'cursor', message: 'cursor is not one this service gave' },
    ]);
  }
  return id;
}

/**
 * The part of the trail an administrator bound to a region reads (`?`: the
 * region's path prefix): what accounts bound inside the region did, and what
 * was done, by anyone, to the applications, accounts, regions, campaigns and
 * alerts inside it. Records of nobody in particular (anonymous attempts, applicants'
 * logins) or of what every county shares (the calendar, the clock) are the
 * whole service's, read by its administrator only. An account's region is read
 * as it is now: accounts never move between regions.
 */
const IN_SCOPE = `(
  actor_id IN (SELECT u.id FROM users u JOIN regions r ON r.id = u.region_id WHERE r.path LIKE ?)
  OR (target_type = 'application'
      AND target_id IN (SELECT a.id::text FROM applications a WHERE a.region_path LIKE ?))
  OR (target_type = 'user' AND target_id IN (SELECT u.id::text FROM users u
      JOIN regions r ON r.id = u.region_id WHERE r.path LIKE ?))
  OR (target_type = 'region' AND target_id IN (SELECT r.id::text FROM regions r WHERE r.path LIKE ?))
  OR (target_type = 'campaign' AND target_id IN (SELECT c.id::text FROM campaigns c
      JOIN regions r ON r.id = c.county_id WHERE r.path LIKE ?))
  OR (target_type = 'alert' AND target_id IN (SELECT a.id::text FROM alerts a WHERE a.region_path LIKE ?))
)`;

/**
 * Reads the trail newest first. Keyset paging on the id (no OFFSET): a page
 * costs the same at the millionth record as at the first, and records appended
 * while a client pages do not shift what it has not seen yet.
 */
@Injectable()
export class AuditReader {
  constructor(private readonly db: DataSource) {}

  /**
   * `scope`: the materialised path of the reader's region, or null for an
   * administrator of the whole service, who reads the whole trail. One bound to
   * a county reads its county's part (see IN_SCOPE).
   */
  async list(query: AuditQueryDto, scope: string | null): Promise<AuditPage> {
    const limit = query.limit ?? DEFAULT_AUDIT_PAGE;
    if (query.from && query.to && new Date(query.from) >= new Date(query.to)) {
      throw AppError.badRequest('VALIDATION_FAILED', 'from must be before to', [
        { code: 'INVALID_FIELD', field: 'from', message: 'from must be before to' },
      ]);
    }
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown): void => {
      params.push(value);
      where.push(sql.replaceAll('?', `$${params.length}`));
    };
    if (scope !== null) add(IN_SCOPE, `${scope}%`);
    if (query.action) add('action = ?', query.action);
    if (query.actorId) add('actor_id = ?', query.actorId);
    if (query.from) add('at >= ?', new Date(query.from));
    if (query.to) add('at < ?', new Date(query.to));
    if (query.cursor) add('id < ?', decodeCursor(query.cursor));
    params.push(limit + 1);
    const rows: AuditRow[] = await this.db.query(
      `SELECT id::text AS id, at, action, outcome, actor_id, actor_role, target_type, target_id,
              request_id, ip, detail
         FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    return {
      items: page.map(toView),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].id) : null,
    };
  }
}

function toView(r: AuditRow): AuditRecordView {
  return {
    id: r.id,
    at: formatShanghaiInstant(r.at),
    action: r.action,
    outcome: r.outcome,
    actor: r.actor_id ? { id: r.actor_id, role: r.actor_role ?? '' } : null,
    target: r.target_type && r.target_id ? { type: r.target_type, id: r.target_id } : null,
    requestId: r.request_id,
    ip: r.ip,
    detail: r.detail,
  };
}

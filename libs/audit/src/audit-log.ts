import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Statement } from '@app/database';
import { assertSafeDetail, AuditEntry } from './audit-entry';

/**
 * Appends to the audit trail. Given a transaction's EntityManager, the record
 * commits or rolls back with the change it describes (the transition engine
 * does this); otherwise it is written on its own.
 */
@Injectable()
export class AuditLog {
  constructor(private readonly db: DataSource) {}

  async record(entry: AuditEntry, db: Pick<EntityManager, 'query'> = this.db): Promise<void> {
    const { sql, params } = auditStatement(entry);
    await db.query(sql, params);
  }
}

/** The INSERT of one audit record, for a caller that batches it with the change it records. */
export function auditStatement(entry: AuditEntry): Statement {
  const detail = entry.detail ?? {};
  assertSafeDetail(detail);
  return {
    sql: `INSERT INTO audit_log (action, outcome, actor_id, actor_role, target_type, target_id,
                              request_id, ip, job_id, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    params: [
      entry.action,
      entry.outcome,
      entry.actor?.id ?? null,
      entry.actor?.role ?? null,
      entry.target?.type ?? null,
      entry.target?.id ?? null,
      entry.request?.id ?? null,
      entry.request?.ip ?? null,
      entry.jobId ?? null,
      JSON.stringify(detail),
    ],
  };
}

import { DataSource } from 'typeorm';
import { ChainedHistoryEntry, verifyChain } from '@app/domain';
import { historyEntryFromRow, HistoryRow } from '@app/workflow';

/**
 * What must hold after any fault, read straight from PostgreSQL. Every figure
 * counts violations and must be 0.
 */
export interface Violations {
  /** The same transition (type, from, to) recorded twice for one application. */
  duplicatedTransitions: number;
  /** Applications whose hash chain does not verify (seq, links, hashes). */
  brokenChains: number;
  /** History entries earlier than the entry before them. */
  historyOutOfOrder: number;
  /** History entries without exactly one outbox event, and outbox events without their entry. */
  outboxMismatches: number;
  /** Alerts raised twice for one application, kind and level (and timer, for a refused timer). */
  duplicatedAlerts: number;
  /** Timers both fired and cancelled, or fired before they were due. */
  badTimers: number;
  /** Archive numbers given twice. */
  duplicatedArchiveNumbers: number;
}

async function count(db: DataSource, sql: string): Promise<number> {
  const [row]: { n: string }[] = await db.query(sql);
  return Number(row.n);
}

export async function violations(db: DataSource): Promise<Violations> {
  return {
    duplicatedTransitions: await count(
      db,
      `SELECT count(*) AS n FROM (SELECT 1 FROM application_history
        GROUP BY application_id, type, from_status, to_status HAVING count(*) > 1) d`,
    ),
    ...(await chainViolations(db)),
    outboxMismatches: await count(
      db,
      `SELECT count(*) AS n FROM (
         SELECT h.application_id, h.seq, count(o.id) AS events FROM application_history h
           LEFT JOIN outbox o ON o.application_id = h.application_id AND (o.payload->>'seq')::int = h.seq
          GROUP BY h.application_id, h.seq HAVING count(o.id) <> 1
         UNION ALL
         SELECT o.application_id, (o.payload->>'seq')::int, 0 FROM outbox o
          WHERE NOT EXISTS (SELECT 1 FROM application_history h
                             WHERE h.application_id = o.application_id AND h.seq = (o.payload->>'seq')::int)) m`,
    ),
    duplicatedAlerts: await count(
      db,
      `SELECT count(*) AS n FROM (SELECT 1 FROM alerts GROUP BY application_id, kind, level, timer_id HAVING count(*) > 1) d`,
    ),
    badTimers: await count(
      db,
      `SELECT count(*) AS n FROM timers
        WHERE (fired_at IS NOT NULL AND cancelled_at IS NOT NULL) OR fired_at < due_at`,
    ),
    duplicatedArchiveNumbers: await count(
      db,
      `SELECT count(archive_no) - count(DISTINCT archive_no) AS n FROM applications`,
    ),
  };
}

/** Verifies every application's chain with the domain's verifier, a page of applications at a time. */
async function chainViolations(
  db: DataSource,
): Promise<Pick<Violations, 'brokenChains' | 'historyOutOfOrder'>> {
  let brokenChains = 0;
  let historyOutOfOrder = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows: HistoryRow[] = await db.query(
      `SELECT * FROM application_history WHERE application_id IN (
         SELECT DISTINCT application_id FROM application_history WHERE application_id > $1
          ORDER BY application_id LIMIT 1000)
        ORDER BY application_id, seq`,
      [after],
    );
    if (rows.length === 0) break;
    const byApplication = new Map<string, ChainedHistoryEntry[]>();
    for (const r of rows) {
      const list = byApplication.get(r.application_id) ?? [];
      list.push(historyEntryFromRow(r));
      byApplication.set(r.application_id, list);
    }
    for (const entries of byApplication.values()) {
      if (!verifyChain(entries).valid) brokenChains += 1;
      historyOutOfOrder += entries.filter((e, i) => i > 0 && e.at < entries[i - 1].at).length;
    }
    after = rows[rows.length - 1].application_id;
  }
  return { brokenChains, historyOutOfOrder };
}

export const NO_VIOLATIONS: Violations = {
  duplicatedTransitions: 0,
  brokenChains: 0,
  historyOutOfOrder: 0,
  outboxMismatches: 0,
  duplicatedAlerts: 0,
  badTimers: 0,
  duplicatedArchiveNumbers: 0,
};

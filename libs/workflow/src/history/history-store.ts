import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Statement } from '@app/database';
import {
  ChainHead,
  chainEntryAfter,
  ChainedHistoryEntry,
  HistoryEntry,
  JsonValue,
} from '@app/domain';

/** One row of `application_history` as PostgreSQL returns it. */
export interface HistoryRow {
  application_id: string;
  seq: number;
  type: string;
  from_status: string | null;
  to_status: string | null;
  actor_id: string | null;
  actor_name: string;
  actor_role: string;
  opinion: string | null;
  signature: string | null;
  corrections: JsonValue | null;
  at: Date;
  prev_hash: string;
  hash: string;
}

/** The row as the domain's chained entry (what verifyChain reads). */
export function historyEntryFromRow(r: HistoryRow): ChainedHistoryEntry {
  return {
    applicationId: r.application_id,
    seq: r.seq,
    type: r.type,
    from: r.from_status,
    to: r.to_status,
    actorId: r.actor_id,
    actorName: r.actor_name,
    actorRole: r.actor_role,
    opinion: r.opinion,
    signature: r.signature,
    corrections: r.corrections,
    at: r.at.toISOString(),
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** The append-only, hash-chained history of each application. */
@Injectable()
export class HistoryStore {
  /**
   * The entry chained after `head` (the chain's head as the locked application
   * row records it, so seq and prevHash cannot race) and the INSERT that
   * appends it. The caller records the new head (`seq`, `hash`) on the
   * application row in the same transaction (see verifyChainAgainstHead).
   */
  chain(
    entry: Omit<HistoryEntry, 'seq'>,
    head: ChainHead,
  ): { entry: ChainedHistoryEntry; insert: Statement } {
    const chained = chainEntryAfter({ ...entry, seq: head.length + 1 }, head.hash);
    return {
      entry: chained,
      insert: {
        sql: `INSERT INTO application_history (application_id, seq, type, from_status, to_status, actor_id,
                actor_name, actor_role, opinion, signature, corrections, at, prev_hash, hash)
              VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        params: [
          chained.applicationId,
          chained.seq,
          chained.type,
          chained.from,
          chained.to,
          chained.actorId,
          chained.actorName,
          chained.actorRole,
          chained.opinion,
          chained.signature,
          chained.corrections === null ? null : JSON.stringify(chained.corrections),
          chained.at,
          chained.prevHash,
          chained.hash,
        ],
      },
    };
  }

  async list(
    db: Pick<EntityManager, 'query'>,
    applicationId: string,
  ): Promise<ChainedHistoryEntry[]> {
    const rows: HistoryRow[] = await db.query(
      `SELECT * FROM application_history WHERE application_id = $1 ORDER BY seq`,
      [applicationId],
    );
    return rows.map(historyEntryFromRow);
  }
}

/** The head of an application's chain as recorded on its row. */
export async function recordedHead(
  db: Pick<EntityManager, 'query'>,
  applicationId: string,
): Promise<ChainHead> {
  const [row]: { history_length: number; history_head: string | null }[] = await db.query(
    `SELECT history_length, history_head FROM applications WHERE id = $1`,
    [applicationId],
  );
  return { length: row?.history_length ?? 0, hash: row?.history_head ?? null };
}

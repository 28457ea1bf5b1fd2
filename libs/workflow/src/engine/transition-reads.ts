import { EntityManager } from 'typeorm';
import {
  Application,
  AssessmentLookupRow,
  AssessmentLookups,
  assessmentLookups,
  lookupsFrom,
  MaterialListing,
  materialsAsJson,
  MaterialsJson,
  materialsFromJson,
} from '@app/applications';
import { Campaign } from '@app/campaigns';
import { selectRow, Statement } from '@app/database';
import type { JobOutcome } from '@app/queue';
import { CalendarOverride, OVERRIDES_AS_JSON } from '@app/working-days';
import { dueDeadlineTimerRead, TimerKind, TimerRow } from '../timers/timer-store';
import { TransitionRequest } from './transition-request';

/** Everything a transition reads besides the locked row. */
export interface TransitionReads {
  /** The outcome already recorded under the job's id (a redelivery), or null. */
  recorded: JobOutcome | null;
  /** Objections not yet resolved on the application's running notice. */
  unresolvedObjections: number;
  calendarOverrides: CalendarOverride[];
  /** The application's community, for a notice. */
  communityName: string;
  /** For a timer job: the timer, while pending; null once fired or cancelled. */
  timer: TimerRow | null;
  /** For an objection's resolution: whether it is an open one of the running notice. */
  objectionOpen: boolean;
  /** For a command (its answer is the application's view): the materials, oldest first; none for a timer. */
  materials: MaterialListing[];
  /** For a command: what the household's assessment reads. */
  lookups: AssessmentLookups | null;
  /**
   * For a command that arrives after the level's deadline, before its timer
   * fired: that pending deadline timer (see TransitionEngine). Null otherwise.
   */
  dueDeadlineTimer: string | null;
}

interface ReadsRow extends AssessmentLookupRow {
  recorded: { statusCode: number; body: JobOutcome['body'] } | null;
  unresolved: number;
  overrides: CalendarOverride[] | null;
  community_name: string | null;
  timer: { id: string; kind: TimerKind; level: string; dueAt: string } | null;
  objection_open: boolean | null;
  materials: MaterialsJson;
  due_deadline_timer: string | null;
}

/**
 * One statement, made once the row is locked: each read is a subquery of one
 * row, so a transition reads everything in one round trip. After the lock,
 * not with it: a `SELECT … FOR UPDATE` that waited for another transaction
 * returns that transaction's row, but its subqueries would still see the
 * snapshot from before the wait. Timers, objections and notices change only
 * under the application's lock. The others are as they were when this
 * statement began, as a separate read would be: calendar overrides, uploads
 * and other applications' memberships, which no lock orders (a membership is
 * claimed by a conditional write, see EffectExecutor); and a refusal's
 * outcome, recorded after its rollback (the transition's conditional insert of
 * its own outcome catches that race, see TransitionEngine).
 */
export async function readUnderLock(
  tx: EntityManager,
  req: TransitionRequest,
  app: Application,
  campaign: Campaign,
  askedAt: Date,
): Promise<TransitionReads> {
  const columns: Record<string, Statement> = {
    recorded: {
      sql: `SELECT json_build_object('statusCode', status_code, 'body', body)
              FROM command_results WHERE job_id = $1`,
      params: [req.jobId],
    },
    unresolved: {
      sql: `SELECT count(*)::int FROM objections o JOIN notices n ON n.id = o.notice_id
             WHERE o.application_id = $1 AND o.resolved_at IS NULL AND n.closed_at IS NULL`,
      params: [app.id],
    },
    overrides: { sql: OVERRIDES_AS_JSON, params: [] },
    community_name: { sql: `SELECT name FROM regions WHERE id = $1`, params: [app.communityId] },
  };
  if (req.timerId) {
    columns.timer = {
      sql: `SELECT json_build_object('id', id, 'kind', kind, 'level', level, 'dueAt', due_at)
              FROM timers WHERE id = $1 AND fired_at IS NULL AND cancelled_at IS NULL`,
      params: [req.timerId],
    };
  }
  if (req.objectionId) {
    columns.objection_open = {
      sql: `SELECT true FROM objections o JOIN notices n ON n.id = o.notice_id
             WHERE o.id = $1::uuid AND o.application_id = $2
               AND o.resolved_at IS NULL AND n.closed_at IS NULL`,
      params: [req.objectionId, app.id],
    };
  }
  // Read only when the row says the deadline had passed, unflagged, when the command was
  // asked for (a decision asked in time and applied late is in time): never on the hot path.
  if (
    !req.timerId &&
    !req.deadlineSettled &&
    app.dueAt &&
    app.dueAt <= askedAt &&
    !app.overdueSince
  ) {
    columns.due_deadline_timer = dueDeadlineTimerRead(app.id, askedAt);
  }
  const answersWithView = !req.timerId;
  if (answersWithView) {
    columns.materials = materialsAsJson(app.id);
    Object.assign(columns, assessmentLookups(app, campaign));
  }
  const { sql, params } = selectRow(columns);
  const [row]: ReadsRow[] = await tx.query(sql, params);
  return {
    recorded: row.recorded,
    unresolvedObjections: row.unresolved,
    calendarOverrides: row.overrides ?? [],
    communityName: row.community_name ?? '',
    timer: row.timer
      ? {
          id: row.timer.id,
          applicationId: app.id,
          kind: row.timer.kind,
          level: row.timer.level,
          dueAt: new Date(row.timer.dueAt),
        }
      : null,
    objectionOpen: row.objection_open === true,
    materials: materialsFromJson(row.materials),
    lookups: answersWithView ? lookupsFrom(row) : null,
    dueDeadlineTimer: row.due_deadline_timer ?? null,
  };
}

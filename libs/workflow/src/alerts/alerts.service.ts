import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthUser, REVIEWER_SCOPE, isReviewer } from '@app/access';
import { formatShanghaiInstant } from '@app/calendar';
import { Clock } from '@app/clock';
import { AppError } from '@app/http';
import { AcknowledgeAlertDto, AlertsQueryDto } from './alerts-query.dto';

export interface AlertView {
  id: string;
  applicationId: string;
  kind: string;
  level: string;
  toLevel: string;
  message: string;
  at: string;
  /** Null while nobody it was raised to has acknowledged it. */
  acknowledgement: { at: string; by: { id: string; name: string }; note: string } | null;
}

/** An acknowledgement's answer: the alert, and whether this call acknowledged it or an earlier one had. */
export interface AcknowledgedAlert extends AlertView {
  acknowledgedNow: boolean;
}

interface AlertRow {
  id: string;
  application_id: string;
  kind: string;
  level: string;
  to_level: string;
  message: string;
  created_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  acknowledged_by_name: string | null;
  /** Set with `acknowledged_at` (a constraint of the table). */
  acknowledgement_note: string | null;
}

/**
 * Which alerts a caller reaches: a reviewer those raised to their level inside
 * their region, an administrator every alert inside theirs (the whole service
 * for the bootstrap administrator). Anyone else none.
 */
interface AlertScope {
  /** Null: every level. */
  toLevel: string | null;
  /** Null: every region. */
  regionPath: string | null;
}

/** `$1` the level, `$2` the region path (see AlertScope). */
const IN_SCOPE = `($1::text IS NULL OR a.to_level = $1) AND ($2::text IS NULL OR a.region_path LIKE $2 || '%')`;

const COLUMNS = `a.id, a.application_id, a.kind, a.level, a.to_level, a.message, a.created_at,
  a.acknowledged_at, a.acknowledged_by, u.name AS acknowledged_by_name, a.acknowledgement_note`;

/**
 * Overdue alerts raised to the level above, and refused timers raised to the
 * administrators (`raiseRefusedTimerAlert`); acknowledged once by someone
 * they were raised to.
 */
@Injectable()
export class AlertsService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  async list(user: AuthUser, { kind, acknowledged }: AlertsQueryDto = {}): Promise<AlertView[]> {
    const scope = scopeOf(user);
    const rows: AlertRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM alerts a LEFT JOIN users u ON u.id = a.acknowledged_by
        WHERE ${IN_SCOPE} AND ($3::text IS NULL OR a.kind = $3)
          AND ($4::boolean IS NULL OR (a.acknowledged_at IS NOT NULL) = $4)
        ORDER BY a.created_at DESC LIMIT 500`,
      [scope.toLevel, scope.regionPath, kind ?? null, acknowledged ?? null],
    );
    return rows.map(viewOf);
  }

  /**
   * Acknowledges an alert raised to the caller: a reviewer's of their level
   * and region; an administrator's, those raised to the administrators (the
   * refused timers; a level's overdue reviews stay on its reviewers' list
   * until one of them takes it). The first acknowledgement stands: the same
   * caller's repeat (a retry) answers it again with `acknowledgedNow` false;
   * anyone else's is 409 ALERT_ALREADY_ACKNOWLEDGED, rather than their note
   * being dropped unseen. Two at once: the second waits on the first's row,
   * then finds it acknowledged.
   */
  async acknowledge(
    user: AuthUser,
    id: string,
    { note }: AcknowledgeAlertDto,
  ): Promise<AcknowledgedAlert> {
    const scope = acknowledgerScopeOf(user);
    const [{ found, acknowledged }]: { found: number; acknowledged: number }[] =
      await this.db.query(
        `WITH target AS (SELECT a.id FROM alerts a WHERE ${IN_SCOPE} AND a.id = $3),
              acknowledged AS (
                UPDATE alerts SET acknowledged_at = $4, acknowledged_by = $5, acknowledgement_note = $6
                 WHERE id = (SELECT id FROM target) AND acknowledged_at IS NULL
                RETURNING id)
         SELECT (SELECT count(*) FROM target)::int AS found,
                (SELECT count(*) FROM acknowledged)::int AS acknowledged`,
        [scope.toLevel, scope.regionPath, id, this.clock.now(), user.id, note],
      );
    if (found === 0) throw AppError.notFound('Alert');
    const [row]: AlertRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM alerts a LEFT JOIN users u ON u.id = a.acknowledged_by WHERE a.id = $1`,
      [id],
    );
    const view = viewOf(row);
    if (acknowledged === 0 && row.acknowledged_by !== user.id)
      throw AppError.conflict(
        'ALERT_ALREADY_ACKNOWLEDGED',
        `The alert was acknowledged at ${view.acknowledgement?.at} by someone else`,
      );
    return { ...view, acknowledgedNow: acknowledged === 1 };
  }
}

function scopeOf(user: AuthUser): AlertScope {
  if (isReviewer(user.role))
    return { toLevel: REVIEWER_SCOPE[user.role].level, regionPath: user.regionPath };
  if (user.role === 'admin') return { toLevel: null, regionPath: user.regionPath };
  // No alert is raised to 'none': an applicant reaches none.
  return { toLevel: 'none', regionPath: user.regionPath };
}

/** Whose alerts a caller may acknowledge: those raised to them (see `acknowledge`). */
function acknowledgerScopeOf(user: AuthUser): AlertScope {
  const scope = scopeOf(user);
  return user.role === 'admin' ? { ...scope, toLevel: 'admin' } : scope;
}

function viewOf(r: AlertRow): AlertView {
  return {
    id: r.id,
    applicationId: r.application_id,
    kind: r.kind,
    level: r.level,
    toLevel: r.to_level,
    message: r.message,
    at: formatShanghaiInstant(r.created_at),
    acknowledgement:
      r.acknowledged_at && r.acknowledged_by
        ? {
            at: formatShanghaiInstant(r.acknowledged_at),
            by: { id: r.acknowledged_by, name: r.acknowledged_by_name ?? '' },
            note: r.acknowledgement_note ?? '',
          }
        : null,
  };
}

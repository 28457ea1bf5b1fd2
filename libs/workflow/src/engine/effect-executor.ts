import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Application } from '@app/applications';
import {
  noticePeriod,
  reviewDeadline,
  shanghaiDateOf,
  WorkingCalendar,
  yearOf,
} from '@app/calendar';
import { Campaign } from '@app/campaigns';
import { Effect, maskName, perCapitaForDisplay, ReviewLevel } from '@app/domain';
import { translateCalendarErrors, WorkingDaysService } from '@app/working-days';
import { commitWithNextStatement, WriteBatch } from '@app/database';
import { overdueMessage } from '../alerts/alert-messages';
import { closeNoticeStatement } from '../notices/notice-store';
import {
  cancelTimersStatement,
  insertTimerStatement,
  TimerRow,
  timerId,
} from '../timers/timer-store';
import { refusal, TransitionRefused } from './outcome';

/** What the effects of one transition read and change. */
export interface EffectContext {
  app: Application;
  campaign: Campaign;
  calendar: WorkingCalendar;
  /** The application's community, for a notice. */
  communityName: string;
  /** The instant the transition takes effect: now, or a timer's due instant when it fires late. */
  at: Date;
  /** The version the application will have after this transition (timer ids use it). */
  nextVersion: number;
  /** Changes to the application row, applied by the engine with the status change. */
  changes: Partial<Application>;
  /** The transition's writes, sent as one statement by the engine (see WriteBatch's rules). */
  writes: WriteBatch;
  /** The timer this transition fires, if any: no other write may touch its row. */
  firedTimerId: string | null;
  /** Timers created, to put on the queue once the transaction commits. */
  timers: TimerRow[];
  /** A notice posted by this transition, written by `finish` once its end is known. */
  notice?: NoticeDraft;
  /** An archive number is due: taken by `archive`, the transaction's last statement. */
  archiveNumberDue?: boolean;
  /** The batch part claiming the members, and how many it must claim (checked by the engine). */
  membershipClaim?: { part: string; persons: number };
}

interface NoticeDraft {
  level: ReviewLevel;
  startsAt: Date;
  endsAt: Date;
}

const REVIEW_DAYS: Record<ReviewLevel, keyof Campaign> = {
  community: 'reviewDaysCommunity',
  town: 'reviewDaysTown',
  bureau: 'reviewDaysBureau',
};

/**
 * Carries out the domain's effects of one transition, one method each. They
 * compute in memory and add their writes to the transition's batch; `finish`
 * adds what depends on several of them. Nothing is sent to the database
 * except the archive number, taken last (its counter row serialises a county's
 * approvals, so it is held for as short a time as possible).
 */
@Injectable()
export class EffectExecutor {
  constructor(private readonly workingDays: WorkingDaysService) {}

  run(effect: Effect, ctx: EffectContext): void {
    switch (effect.type) {
      case 'start_review_deadline':
        return this.startReviewDeadline(ctx, effect.level);
      case 'cancel_review_deadline':
        ctx.writes.add(
          cancelTimersStatement(ctx.app.id, ctx.at, 'review_deadline', ctx.firedTimerId),
        );
        Object.assign(ctx.changes, { dueAt: null, overdueSince: null });
        return;
      case 'post_notice':
        ctx.notice = { level: effect.level, startsAt: ctx.at, endsAt: ctx.at };
        return;
      case 'schedule_notice_end':
        return this.scheduleNoticeEnd(ctx, effect.level);
      case 'close_notice':
        ctx.writes.add(cancelTimersStatement(ctx.app.id, ctx.at, 'notice_end', ctx.firedTimerId));
        ctx.writes.add(closeNoticeStatement(ctx.app.id, ctx.at));
        Object.assign(ctx.changes, { noticeEndsAt: null, noticeWaiting: false });
        return;
      case 'mark_notice_waiting':
        ctx.changes.noticeWaiting = true;
        return;
      case 'claim_memberships':
        return this.claimMemberships(ctx);
      case 'release_memberships':
        ctx.writes.add({
          sql: `DELETE FROM live_memberships WHERE application_id = $1`,
          params: [ctx.app.id],
        });
        return;
      case 'flag_overdue':
        ctx.changes.overdueSince = ctx.at;
        return;
      case 'raise_alert':
        ctx.writes.add({
          sql: `INSERT INTO alerts (application_id, kind, level, to_level, region_path, message, created_at)
                VALUES ($1, 'overdue', $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
          params: [
            ctx.app.id,
            effect.level,
            effect.to,
            ctx.app.regionPath,
            overdueMessage(effect.level),
            ctx.at,
          ],
        });
        return;
      case 'assign_archive_number':
        ctx.archiveNumberDue = true;
        return;
      case 'snapshot_campaign':
        Object.assign(ctx.changes, { approvedAt: ctx.at, approvalSnapshot: snapshot(ctx) });
        return;
    }
  }

  /** After the last effect: the posted notice's row. */
  finish(ctx: EffectContext): void {
    if (ctx.notice) this.writeNotice(ctx, ctx.notice);
  }

  private startReviewDeadline(ctx: EffectContext, level: ReviewLevel): void {
    const days = ctx.campaign[REVIEW_DAYS[level]] as number;
    const { dueAt } = this.calendarStep(() =>
      reviewDeadline(ctx.calendar, shanghaiDateOf(ctx.at), days),
    );
    Object.assign(ctx.changes, { dueAt, overdueSince: null });
    this.addTimer(ctx, {
      id: timerId(ctx.app.id, 'review_deadline', ctx.nextVersion),
      applicationId: ctx.app.id,
      kind: 'review_deadline',
      level,
      dueAt,
    });
  }

  /** Runs after post_notice (the table's order): the notice posted now gets its end. */
  private scheduleNoticeEnd(ctx: EffectContext, level: ReviewLevel): void {
    const { endsAt } = this.calendarStep(() =>
      noticePeriod(
        ctx.calendar,
        shanghaiDateOf(ctx.at),
        ctx.campaign.noticeDays,
        this.workingDays.noticeRules(),
      ),
    );
    // The transition table posts the notice first; the row is written once, whole.
    if (!ctx.notice)
      throw new Error('schedule_notice_end without a notice posted in the same transition');
    ctx.notice.endsAt = endsAt;
    Object.assign(ctx.changes, { noticeEndsAt: endsAt, noticeWaiting: false });
    this.addTimer(ctx, {
      id: timerId(ctx.app.id, 'notice_end', ctx.nextVersion),
      applicationId: ctx.app.id,
      kind: 'notice_end',
      level,
      dueAt: endsAt,
    });
  }

  /** The public board's copy is masked when posted: personal data never enters the notices table. */
  private writeNotice(ctx: EffectContext, notice: NoticeDraft): void {
    const applicant = ctx.app.household.members.find((m) => m.relation === 'applicant');
    const persons = ctx.changes.persons ?? ctx.app.persons;
    const area = ctx.changes.countedAreaCenti ?? ctx.app.countedAreaCenti;
    ctx.writes.add({
      sql: `INSERT INTO notices (application_id, campaign_id, level, region_path, community_name, masked_name,
                                 persons, per_capita_area_centi, income_tier, starts_at, ends_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      params: [
        ctx.app.id,
        ctx.app.campaignId,
        notice.level,
        ctx.app.regionPath,
        ctx.communityName,
        maskName(applicant?.name ?? '?'),
        persons,
        perCapitaForDisplay(area, persons),
        ctx.changes.incomeTier !== undefined ? ctx.changes.incomeTier : ctx.app.incomeTier,
        notice.startsAt,
        notice.endsAt,
      ],
    });
  }

  /**
   * The household's members become this application's, unless a member is
   * another live application's: the claim takes only rows that are free or
   * already this application's, and the engine refuses the transition when it
   * took fewer than the members. A racing claim of the same person waits on
   * the key, then finds it taken.
   */
  private claimMemberships(ctx: EffectContext): void {
    const members = (ctx.changes.household ?? ctx.app.household).members;
    const idNumbers = [...new Set(members.map((m) => m.idNumber))];
    // A resubmitted household may have lost members: they are free again.
    ctx.writes.add({
      sql: `DELETE FROM live_memberships WHERE application_id = $1 AND id_number <> ALL($2::char(18)[])`,
      params: [ctx.app.id, idNumbers],
    });
    const part = ctx.writes.add({
      sql: `INSERT INTO live_memberships (campaign_id, id_number, application_id)
            SELECT $1, n, $3 FROM unnest($2::char(18)[]) AS n
            ON CONFLICT (campaign_id, id_number) DO UPDATE SET application_id = EXCLUDED.application_id
             WHERE live_memberships.application_id = EXCLUDED.application_id
            RETURNING id_number`,
      params: [ctx.app.campaignId, idNumbers, ctx.app.id],
    });
    ctx.membershipClaim = { part, persons: idNumbers.length };
  }

  /**
   * The archive number, `<county code>-<year>-<000001>`, gapless and unique in
   * the county, set on the row and in the recorded answer of job `jobId` when
   * that answer is the application's view. The county's counter row
   * serialises concurrent approvals until they commit, so this is the
   * transaction's last statement, sent with its COMMIT (`withCommit`, see
   * commitWithNextStatement; a batch's earlier numbers go just before it): the server commits as soon as it is done, and
   * the counter is held for this statement and the commit only, not also
   * for the worker to read the answer and send COMMIT, which on a busy
   * worker took longer than both (docs/performance.md, "The archive number
   * with the COMMIT"). The statement checks its own writes
   * (`housing_expect`): a failed check stops the COMMIT. Answers the number.
   */
  async archive(
    tx: EntityManager,
    ctx: EffectContext,
    jobId: string,
    { withCommit }: { withCommit: boolean },
  ): Promise<string> {
    const { countyId, year } = archiveCounter(ctx);
    if (withCommit) commitWithNextStatement(tx);
    const [row]: { archive_no: string }[] = await tx.query(
      `WITH counter AS (
         INSERT INTO archive_counters (county_id, year, last_number) VALUES ($1, $2, 1)
         ON CONFLICT (county_id, year) DO UPDATE SET last_number = archive_counters.last_number + 1
         RETURNING last_number),
       numbered AS (
         SELECT regions.code || '-' || $2::text || '-'
                || lpad(counter.last_number::text, greatest(6, length(counter.last_number::text)), '0')
                AS archive_no
           FROM counter, regions WHERE regions.id = $1),
       on_row AS (
         UPDATE applications SET archive_no = numbered.archive_no FROM numbered
          WHERE applications.id = $3 RETURNING 1),
       in_answer AS (
         UPDATE command_results SET body = jsonb_set(body, '{archiveNo}', to_jsonb(numbered.archive_no), false)
           FROM numbered WHERE job_id = $4 RETURNING 1)
       SELECT (SELECT archive_no FROM numbered) AS archive_no,
              housing_expect((SELECT count(*) FROM on_row) = 1 AND (SELECT count(*) FROM in_answer) = 1,
                             'application ' || $3 || ': its archive number was not written') AS written`,
      [countyId, year, ctx.app.id, jobId],
    );
    // Never null: housing_expect failed the statement (and its COMMIT) otherwise.
    return row.archive_no;
  }

  /** The row now, in the transaction; its delayed job once the transaction has committed. */
  private addTimer(ctx: EffectContext, timer: TimerRow): void {
    ctx.writes.add(insertTimerStatement(timer));
    ctx.timers.push(timer);
  }

  private calendarStep<T>(fn: () => T): T {
    try {
      return translateCalendarErrors(fn);
    } catch (e) {
      const err = e as { status?: number; code?: string; message: string };
      if (err.code === 'CALENDAR_DATA_MISSING')
        throw new TransitionRefused(refusal(422, err.code, err.message));
      throw e;
    }
  }
}

export function memberConflict(): TransitionRefused {
  return new TransitionRefused(
    refusal(
      409,
      'MEMBER_IN_OTHER_APPLICATION',
      'A member is already in another live application of this campaign',
    ),
  );
}

/** What the approval was decided on: the campaign's parameters and the figures, frozen. */
function snapshot(ctx: EffectContext): Record<string, unknown> {
  const c = ctx.campaign;
  return {
    campaign: {
      id: c.id,
      name: c.name,
      referenceIncomeFen: c.referenceIncomeFen,
      areaLimitCenti: c.areaLimitCenti,
      incomeCoefficients: c.incomeCoefficients,
      areaTierBoundsCenti: c.areaTierBoundsCenti,
      ageCutoffDate: c.ageCutoffDate,
      hukouCutoffDate: c.hukouCutoffDate,
      transferCutoffDate: c.transferCutoffDate,
    },
    figures: {
      persons: ctx.app.persons,
      householdIncomeFen: ctx.app.householdIncomeFen,
      countedAreaCenti: ctx.app.countedAreaCenti,
      incomeTier: ctx.app.incomeTier,
      areaTier: ctx.app.areaTier,
    },
  };
}

/** The counter an approval's archive number comes from: its county's, for the year it takes effect. */
export function archiveCounter(ctx: EffectContext): { countyId: string; year: number } {
  return { countyId: ctx.campaign.countyId, year: yearOf(shanghaiDateOf(ctx.at)) };
}

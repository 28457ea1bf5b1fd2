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
import { cancelTimers, insertTimer, TimerRow, timerId } from '../timers/timer-store';
import { refusal, TransitionRefused } from './outcome';

const UNIQUE_VIOLATION = '23505';

/** What the effects of one transition read and change. */
export interface EffectContext {
  tx: EntityManager;
  app: Application;
  campaign: Campaign;
  calendar: WorkingCalendar;
  /** The instant the transition takes effect: now, or a timer's due instant when it fires late. */
  at: Date;
  /** The version the application will have after this transition (timer ids use it). */
  nextVersion: number;
  /** Changes to the application row, applied by the engine with the status change. */
  changes: Partial<Application>;
  /** Timers created, to put on the queue once the transaction commits. */
  timers: TimerRow[];
}

const REVIEW_DAYS: Record<ReviewLevel, keyof Campaign> = {
  community: 'reviewDaysCommunity',
  town: 'reviewDaysTown',
  bureau: 'reviewDaysBureau',
};

/** Carries out the domain's effects inside the transition's transaction, one method each. */
@Injectable()
export class EffectExecutor {
  constructor(private readonly workingDays: WorkingDaysService) {}

  async run(effect: Effect, ctx: EffectContext): Promise<void> {
    switch (effect.type) {
      case 'start_review_deadline':
        return this.startReviewDeadline(ctx, effect.level);
      case 'cancel_review_deadline':
        await cancelTimers(ctx.tx, ctx.app.id, ctx.at, 'review_deadline');
        Object.assign(ctx.changes, { dueAt: null, overdueSince: null });
        return;
      case 'post_notice':
        return this.postNotice(ctx, effect.level);
      case 'schedule_notice_end':
        return this.scheduleNoticeEnd(ctx, effect.level);
      case 'close_notice':
        await cancelTimers(ctx.tx, ctx.app.id, ctx.at, 'notice_end');
        await ctx.tx.query(
          `UPDATE notices SET closed_at = $2 WHERE application_id = $1 AND closed_at IS NULL`,
          [ctx.app.id, ctx.at],
        );
        Object.assign(ctx.changes, { noticeEndsAt: null, noticeWaiting: false });
        return;
      case 'mark_notice_waiting':
        ctx.changes.noticeWaiting = true;
        return;
      case 'claim_memberships':
        return this.claimMemberships(ctx);
      case 'release_memberships':
        await ctx.tx.query(`DELETE FROM live_memberships WHERE application_id = $1`, [ctx.app.id]);
        return;
      case 'flag_overdue':
        ctx.changes.overdueSince = ctx.at;
        return;
      case 'raise_alert':
        await ctx.tx.query(
          `INSERT INTO alerts (application_id, kind, level, to_level, region_path, message, created_at)
           VALUES ($1, 'overdue', $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
          [
            ctx.app.id,
            effect.level,
            effect.to,
            ctx.app.regionPath,
            `${LEVEL_NAMES[effect.level]}审核已超期`,
            ctx.at,
          ],
        );
        return;
      case 'assign_archive_number':
        ctx.changes.archiveNo = await this.nextArchiveNumber(ctx);
        return;
      case 'snapshot_campaign':
        Object.assign(ctx.changes, { approvedAt: ctx.at, approvalSnapshot: snapshot(ctx) });
        return;
    }
  }

  private async startReviewDeadline(ctx: EffectContext, level: ReviewLevel): Promise<void> {
    const days = ctx.campaign[REVIEW_DAYS[level]] as number;
    const { dueAt } = this.calendarStep(() =>
      reviewDeadline(ctx.calendar, shanghaiDateOf(ctx.at), days),
    );
    Object.assign(ctx.changes, { dueAt, overdueSince: null });
    await this.addTimer(ctx, {
      id: timerId(ctx.app.id, 'review_deadline', ctx.nextVersion),
      applicationId: ctx.app.id,
      kind: 'review_deadline',
      level,
      dueAt,
    });
  }

  /** Runs after post_notice (the table's order): the notice posted now gets its end. */
  private async scheduleNoticeEnd(ctx: EffectContext, level: ReviewLevel): Promise<void> {
    const { endsAt } = this.calendarStep(() =>
      noticePeriod(
        ctx.calendar,
        shanghaiDateOf(ctx.at),
        ctx.campaign.noticeDays,
        this.workingDays.noticeRules(),
      ),
    );
    await ctx.tx.query(
      `UPDATE notices SET ends_at = $2 WHERE application_id = $1 AND closed_at IS NULL`,
      [ctx.app.id, endsAt],
    );
    Object.assign(ctx.changes, { noticeEndsAt: endsAt, noticeWaiting: false });
    await this.addTimer(ctx, {
      id: timerId(ctx.app.id, 'notice_end', ctx.nextVersion),
      applicationId: ctx.app.id,
      kind: 'notice_end',
      level,
      dueAt: endsAt,
    });
  }

  /** The public board's copy is masked when posted: personal data never enters the notices table. */
  private async postNotice(ctx: EffectContext, level: ReviewLevel): Promise<void> {
    const applicant = ctx.app.household.members.find((m) => m.relation === 'applicant');
    const [community]: { name: string }[] = await ctx.tx.query(
      `SELECT name FROM regions WHERE id = $1`,
      [ctx.app.communityId],
    );
    const persons = ctx.changes.persons ?? ctx.app.persons;
    const area = ctx.changes.countedAreaCenti ?? ctx.app.countedAreaCenti;
    await ctx.tx.query(
      `INSERT INTO notices (application_id, campaign_id, level, region_path, community_name, masked_name,
                            persons, per_capita_area_centi, income_tier, starts_at, ends_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`,
      [
        ctx.app.id,
        ctx.app.campaignId,
        level,
        ctx.app.regionPath,
        community?.name ?? '',
        maskName(applicant?.name ?? '?'),
        persons,
        perCapitaForDisplay(area, persons),
        ctx.changes.incomeTier !== undefined ? ctx.changes.incomeTier : ctx.app.incomeTier,
        ctx.at,
      ],
    );
  }

  private async claimMemberships(ctx: EffectContext): Promise<void> {
    const idNumbers = (ctx.changes.household ?? ctx.app.household).members.map((m) => m.idNumber);
    try {
      // A resubmitted household may have lost members: they are free again.
      await ctx.tx.query(
        `DELETE FROM live_memberships WHERE application_id = $1 AND id_number <> ALL($2::char(18)[])`,
        [ctx.app.id, idNumbers],
      );
      // A racing claim of the same person waits on the key, then finds it taken.
      await ctx.tx.query(
        `INSERT INTO live_memberships (campaign_id, id_number, application_id)
         SELECT $1, n, $3 FROM unnest($2::char(18)[]) AS n ON CONFLICT DO NOTHING`,
        [ctx.app.campaignId, idNumbers, ctx.app.id],
      );
      const [{ n }]: { n: number }[] = await ctx.tx.query(
        `SELECT count(*)::int AS n FROM live_memberships WHERE campaign_id = $1 AND id_number = ANY($2::char(18)[]) AND application_id <> $3`,
        [ctx.app.campaignId, idNumbers, ctx.app.id],
      );
      if (n > 0) throw memberConflict();
    } catch (e) {
      if ((e as { code?: string }).code === UNIQUE_VIOLATION) throw memberConflict();
      throw e;
    }
  }

  /** `<county code>-<year>-<000001>`, unique in the county; the counter row serialises concurrent approvals. */
  private async nextArchiveNumber(ctx: EffectContext): Promise<string> {
    const year = yearOf(shanghaiDateOf(ctx.at));
    const [row]: { last_number: number; code: string }[] = await ctx.tx.query(
      `WITH counter AS (
         INSERT INTO archive_counters (county_id, year, last_number) VALUES ($1, $2, 1)
         ON CONFLICT (county_id, year) DO UPDATE SET last_number = archive_counters.last_number + 1
         RETURNING last_number)
       SELECT counter.last_number, regions.code FROM counter, regions WHERE regions.id = $1`,
      [ctx.campaign.countyId, year],
    );
    return `${row.code}-${year}-${String(row.last_number).padStart(6, '0')}`;
  }

  /** The row now, in the transaction; its delayed job once the transaction has committed. */
  private async addTimer(ctx: EffectContext, timer: TimerRow): Promise<void> {
    await insertTimer(ctx.tx, timer);
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

const LEVEL_NAMES: Record<ReviewLevel, string> = {
  community: '社区',
  town: '镇',
  bureau: '县房管局',
};

function memberConflict(): TransitionRefused {
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

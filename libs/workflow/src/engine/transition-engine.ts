import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  Application,
  ApplicationsService,
  canRead,
  figureColumns,
  HouseholdAssessor,
} from '@app/applications';
import { AuthUser } from '@app/access';
import { AuditLog } from '@app/audit';
import { compareDates, shanghaiDateOf } from '@app/calendar';
import { Campaign, CampaignsService } from '@app/campaigns';
import { Clock } from '@app/clock';
import {
  ChainedHistoryEntry,
  HouseholdAssessment,
  JsonValue,
  MATERIAL_LABELS,
  missingMaterials,
  planTransition,
  ReviewLevel,
  TransitionPlan,
  WorkflowCommand,
  ActorRole,
  WORKFLOW_REFUSAL_HTTP_STATUS,
  WorkflowState,
} from '@app/domain';
import { updateReturning } from '@app/database';
import type { JobOutcome } from '@app/queue';
import { WorkingDaysService } from '@app/working-days';
import { claimTimer } from '../timers/timer-store';
import { TimerScheduler } from '../timers/timer-scheduler';
import { lockApplication } from './application-lock';
import { applyCorrections } from './corrections';
import { EffectContext, EffectExecutor } from './effect-executor';
import { readOutcome, recordOutcome, refusal, TransitionRefused } from './outcome';
import { TransitionRequest } from './transition-request';
import { HistoryStore } from '../history/history-store';

/**
 * Applies one command to one application in ONE PostgreSQL transaction: the
 * row is locked, the domain plans the transition, its effects run, the status
 * and version change conditionally, the history entry is chained, timers and
 * an outbox event are written, and the outcome is recorded under the job's id.
 * Delayed jobs for new timers are added after the commit (a crash there is
 * repaired by the reconciler, which rebuilds them from PostgreSQL).
 */
@Injectable()
export class TransitionEngine {
  constructor(
    private readonly db: DataSource,
    private readonly campaigns: CampaignsService,
    private readonly workingDays: WorkingDaysService,
    private readonly assessor: HouseholdAssessor,
    private readonly applications: ApplicationsService,
    private readonly effects: EffectExecutor,
    private readonly history: HistoryStore,
    private readonly scheduler: TimerScheduler,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {}

  async apply(req: TransitionRequest): Promise<JobOutcome> {
    let applied: { outcome: JobOutcome; timers: EffectContext['timers'] };
    try {
      applied = await this.db.transaction((tx) => this.applyLocked(tx, req));
    } catch (e) {
      if (!(e instanceof TransitionRefused)) throw e;
      return this.recordRefusal(req, e.outcome);
    }
    await this.scheduler.schedule(applied.timers);
    return applied.outcome;
  }

  /**
   * A refusal rolls the whole transaction back (nothing an effect did stays)
   * and is then recorded as this job's answer, unless a concurrent delivery of
   * the same job recorded an outcome first: that one is the answer.
   */
  private async recordRefusal(req: TransitionRequest, outcome: JobOutcome): Promise<JobOutcome> {
    await recordOutcome(this.db, req.jobId, req.applicationId, outcome);
    return (await readOutcome(this.db, req.jobId)) ?? outcome;
  }

  private async applyLocked(tx: EntityManager, req: TransitionRequest) {
    const app = await lockApplication(tx, req.applicationId);
    // The same job delivered twice at once: the second waited on the lock while
    // the first committed, and must answer the first's outcome, not apply again.
    const recorded = await readOutcome(tx, req.jobId);
    if (recorded) return { outcome: recorded, timers: [] };
    if (!app || (req.actor && !canRead(authUser(req), app))) {
      throw new TransitionRefused(refusal(404, 'NOT_FOUND', 'Application not found'));
    }
    let at = this.clock.now();
    let command = req.command;
    if (req.timerId) {
      const timer = await claimTimer(tx, req.timerId, at);
      if (!timer)
        return this.finish(
          tx,
          req,
          { statusCode: 200, body: { skipped: 'timer already fired or cancelled' } },
          [],
        );
      // The transition takes effect when the timer was due, however late it fires.
      at = timer.dueAt;
      command = { type: timer.kind, level: timer.level as ReviewLevel };
    }
    if (!command) throw new Error(`job ${req.jobId} carries no command`);
    const campaign = await this.campaigns.require(app.campaignId);
    const plan = this.plan(await this.stateOf(tx, app), command, req);
    const changes: Partial<Application> = {};
    const { corrections, assessment } = await this.prepare(
      tx,
      { ...req, command },
      app,
      campaign,
      plan,
      changes,
    );

    const ctx: EffectContext = {
      tx,
      app,
      campaign,
      calendar: await this.workingDays.calendar(tx),
      at,
      nextVersion: app.version + 1,
      changes,
      timers: [],
    };
    for (const effect of plan.effects) await this.effects.run(effect, ctx);
    await this.updateApplication(tx, app, plan, changes);
    const entry = await this.history.append(
      tx,
      {
        applicationId: app.id,
        type: plan.historyType,
        from: plan.from.status,
        to: plan.to.status,
        actorId: req.actor?.userId ?? null,
        actorName: req.actor?.name ?? '系统',
        actorRole: req.actor?.role ?? 'system',
        opinion: req.opinion ?? null,
        signature: req.signature ?? null,
        corrections,
        at: at.toISOString(),
      },
      { length: app.historyLength, hash: app.historyHead },
    );
    await this.writeOutbox(tx, entry, app.version + 1);
    await this.recordAudit(tx, req, entry, app.version + 1);
    // A command's caller gets the application as this transition left it, recorded
    // with it: a replay answers exactly this. The locked row with what this
    // transaction wrote to it is that row (every change of it goes through
    // `changes`), so it is not read again.
    const body = req.timerId
      ? { applicationId: app.id, status: plan.to.status, version: app.version + 1 }
      : await this.applications.viewOf(afterUpdate(app, plan, changes), tx, assessment);
    return this.finish(tx, req, { statusCode: 200, body }, ctx.timers);
  }

  private plan(
    state: WorkflowState,
    command: WorkflowCommand,
    req: TransitionRequest,
  ): TransitionPlan {
    const plan = planTransition(state, command, {
      role: (req.actor?.role ?? 'system') as ActorRole,
    });
    if (!plan.ok)
      throw new TransitionRefused(
        refusal(WORKFLOW_REFUSAL_HTTP_STATUS[plan.code], plan.code, plan.message),
      );
    return plan;
  }

  private async stateOf(tx: EntityManager, app: Application): Promise<WorkflowState> {
    const [{ n }]: { n: number }[] = await tx.query(
      `SELECT count(*)::int AS n FROM objections o JOIN notices ON notices.id = o.notice_id
        WHERE o.application_id = $1 AND o.resolved_at IS NULL AND notices.closed_at IS NULL`,
      [app.id],
    );
    return {
      status: app.status,
      level: app.level,
      unresolvedObjections: n,
      noticeEnded: app.noticeWaiting,
    };
  }

  /**
   * What the services check beyond the state machine, before any effect: the
   * campaign window, eligibility and materials on submission; the objection
   * being resolved; the reviewer's corrections and the figures they change.
   * Answers the corrections' record for the history and the assessment of the
   * household as it now stands, when one was made (the view reuses it).
   */
  private async prepare(
    tx: EntityManager,
    req: TransitionRequest,
    app: Application,
    campaign: Campaign,
    plan: TransitionPlan,
    changes: Partial<Application>,
  ): Promise<{ corrections: JsonValue | null; assessment?: HouseholdAssessment }> {
    let assessment: HouseholdAssessment | undefined;
    if (req.command?.type === 'submit') {
      if (app.status === 'draft') {
        requireWindowOpen(campaign, this.clock.now());
        changes.submittedAt = this.clock.now();
      }
      assessment = await this.assessor.assessOrRefuse(app, campaign, tx).catch(asRefusal);
      this.requireSubmittable(assessment, await this.providedMaterials(tx, app.id));
      // Other applications may have changed since the draft was saved (a member freed).
      Object.assign(changes, figureColumns(assessment));
    }
    if (req.command?.type === 'resolve_objection') await this.resolveObjection(tx, req, app);
    if (!req.corrections || plan.kind === 'waiting') return { corrections: null, assessment };
    const { household, record } = applyCorrections(app.household, req.corrections);
    const corrected = await this.assessor
      .assessOrRefuse({ ...app, household }, campaign, tx)
      .catch(asRefusal);
    Object.assign(changes, { household, ...figureColumns(corrected) });
    if (req.command?.type === 'approve') requireEligible(corrected);
    return { corrections: record, assessment: corrected };
  }

  private requireSubmittable(
    assessment: HouseholdAssessment,
    provided: { type: string; member_id_number: string | null; property_id: string | null }[],
  ): void {
    const reasons = assessment.eligibility.reasons;
    const missing = missingMaterials(
      assessment.requiredMaterials,
      provided.map((m) => ({
        type: m.type,
        memberIdNumber: m.member_id_number,
        propertyId: m.property_id,
      })),
    );
    if (reasons.length === 0 && missing.length === 0) return;
    if (missing.length === 0 && reasons.every((r) => r.code === 'MEMBER_IN_OTHER_APPLICATION')) {
      throw new TransitionRefused(
        refusal(
          409,
          'MEMBER_IN_OTHER_APPLICATION',
          'A member is already in another live application of this campaign',
        ),
      );
    }
    throw new TransitionRefused(
      refusal(422, 'NOT_SUBMITTABLE', 'The application cannot be submitted yet', [
        ...reasons.map((r) => ({ code: r.code, message: r.message })),
        ...missing.map((m) => ({
          code: 'MATERIAL_MISSING',
          message: `缺少材料:${MATERIAL_LABELS[m.type]}`,
          field: [m.type, m.memberIdNumber, m.propertyId].filter(Boolean).join(':'),
        })),
      ]),
    );
  }

  private providedMaterials(tx: EntityManager, applicationId: string) {
    return tx.query<
      { type: string; member_id_number: string | null; property_id: string | null }[]
    >(`SELECT type, member_id_number, property_id FROM materials WHERE application_id = $1`, [
      applicationId,
    ]);
  }

  /** The objection must be an open one of this application's running notice. */
  private async resolveObjection(
    tx: EntityManager,
    req: TransitionRequest,
    app: Application,
  ): Promise<void> {
    const upheld = req.command?.type === 'resolve_objection' && req.command.upheld;
    const resolved = await updateReturning<{ id: string }>(
      tx,
      `UPDATE objections o SET resolved_at = $3, upheld = $4, opinion = $5, resolved_by = $6
         FROM notices n
        WHERE o.id = $1 AND o.application_id = $2 AND o.resolved_at IS NULL
          AND n.id = o.notice_id AND n.closed_at IS NULL
        RETURNING o.id`,
      [req.objectionId, app.id, this.clock.now(), upheld, req.opinion, req.actor?.userId],
    );
    if (resolved.length === 0) {
      throw new TransitionRefused(
        refusal(409, 'OBJECTION_NOT_OPEN', 'No such unresolved objection on this notice'),
      );
    }
  }

  private async updateApplication(
    tx: EntityManager,
    app: Application,
    plan: TransitionPlan,
    changes: Partial<Application>,
  ): Promise<void> {
    const result = await tx
      .createQueryBuilder()
      .update(Application)
      .set(rowChanges(app, plan, changes))
      .where('id = :id AND version = :version', { id: app.id, version: app.version })
      .execute();
    // Cannot happen under the row lock; if it does, roll back rather than write a second truth.
    if (!result.affected) throw new Error(`application ${app.id} changed under its lock`);
  }

  private async writeOutbox(
    tx: EntityManager,
    entry: ChainedHistoryEntry,
    version: number,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO outbox (application_id, event, payload, created_at) VALUES ($1, $2, $3, $4)`,
      [
        entry.applicationId,
        `application.${entry.type}`,
        JSON.stringify({
          applicationId: entry.applicationId,
          from: entry.from,
          to: entry.to,
          version,
          seq: entry.seq,
        }),
        entry.at,
      ],
    );
  }

  /**
   * The audit record of the state change, in the transition's transaction and
   * under the job's id: committed with it or not at all, and a redelivered job
   * (which finds its outcome and changes nothing) adds none. Codes, statuses and
   * ids only: the opinion and the corrections (incomes, ID numbers) stay in the history.
   */
  private recordAudit(
    tx: EntityManager,
    req: TransitionRequest,
    entry: ChainedHistoryEntry,
    version: number,
  ): Promise<void> {
    return this.audit.record(
      {
        action: 'application.transition',
        outcome: 'succeeded',
        actor: req.actor ? { id: req.actor.userId, role: req.actor.role } : null,
        target: { type: 'application', id: entry.applicationId },
        jobId: req.jobId,
        detail: {
          command: entry.type,
          from: entry.from,
          to: entry.to,
          version,
          historySeq: entry.seq,
          effectiveAt: entry.at,
          trigger: req.timerId ? 'timer' : 'command',
        },
      },
      tx,
    );
  }

  private async finish(
    tx: EntityManager,
    req: TransitionRequest,
    outcome: JobOutcome,
    timers: EffectContext['timers'],
  ) {
    await recordOutcome(tx, req.jobId, req.applicationId, outcome);
    return { outcome, timers };
  }
}

/** What the transition writes to the application's row (besides the history head). */
function rowChanges(
  app: Application,
  plan: TransitionPlan,
  changes: Partial<Application>,
): Partial<Application> {
  return { ...changes, status: plan.to.status, level: plan.to.level, version: app.version + 1 };
}

/** The locked row as `updateApplication` left it. */
function afterUpdate(
  app: Application,
  plan: TransitionPlan,
  changes: Partial<Application>,
): Application {
  return Object.assign(new Application(), app, rowChanges(app, plan, changes));
}

function authUser(req: TransitionRequest): AuthUser {
  const a = req.actor!;
  return {
    id: a.userId,
    username: '',
    name: a.name,
    role: a.role as AuthUser['role'],
    regionId: null,
    regionPath: a.regionPath,
  };
}

/** A reviewer cannot approve what their own corrections show to be ineligible: reject it instead. */
function requireEligible(assessment: HouseholdAssessment): void {
  if (assessment.eligibility.eligible) return;
  throw new TransitionRefused(
    refusal(
      422,
      'NOT_ELIGIBLE',
      'With these corrections the household is not eligible; it cannot be approved',
      assessment.eligibility.reasons.map((r) => ({ code: r.code, message: r.message })),
    ),
  );
}

function requireWindowOpen(campaign: Campaign, now: Date): void {
  const today = shanghaiDateOf(now);
  if (compareDates(today, campaign.opensOn) < 0 || compareDates(today, campaign.closesOn) > 0) {
    throw new TransitionRefused(
      refusal(
        409,
        'OUTSIDE_CAMPAIGN_WINDOW',
        `Applications are accepted from ${campaign.opensOn} to ${campaign.closesOn}`,
      ),
    );
  }
}

/** The assessor's 422 (an AppError) as a refusal of this job. */
function asRefusal(e: unknown): never {
  const err = e as { status?: number; code?: string; message: string; details?: [] };
  if (err.status && err.code)
    throw new TransitionRefused(refusal(err.status, err.code, err.message, err.details));
  throw e;
}

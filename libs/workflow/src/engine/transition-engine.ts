import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  Application,
  applicationView,
  canRead,
  figureColumns,
  HouseholdAssessor,
  MaterialListing,
} from '@app/applications';
import { AuthUser } from '@app/access';
import { AuditEntry, auditStatement } from '@app/audit';
import { compareDates, shanghaiDateOf } from '@app/calendar';
import { Campaign, CampaignsService } from '@app/campaigns';
import { Clock } from '@app/clock';
import { AppConfig } from '@app/config';
import { sendTogether, setClause, Statement, WriteBatch } from '@app/database';
import {
  ChainedHistoryEntry,
  HistoryEntry,
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
import type { JobOutcome } from '@app/queue';
import { WorkingDaysService } from '@app/working-days';
import { raiseRefusedTimerAlert } from '../alerts/refused-timer-alert';
import { fireTimerStatement, TimerKind } from '../timers/timer-store';
import { TimerScheduler } from '../timers/timer-scheduler';
import { HistoryStore } from '../history/history-store';
import { lockApplication, lockApplications } from './application-lock';
import { applyCorrections } from './corrections';
import { archiveCounter, EffectContext, EffectExecutor, memberConflict } from './effect-executor';
import {
  outcomeStatement,
  readOutcome,
  recordOutcome,
  refusal,
  settles,
  TransitionRefused,
} from './outcome';
import { readUnderLock, TransitionReads } from './transition-reads';
import { askedTime, TransitionRequest } from './transition-request';

/**
 * Applies one command to one application in ONE PostgreSQL transaction of
 * five round trips (with START TRANSACTION; one more to number an archived
 * approval): the row is locked; everything else the transition reads
 * is read in one statement; the domain plans the transition and its effects
 * are computed in memory; then one statement writes it all (the row's status,
 * version and history head, the chained history entry, timers, notices, the
 * outbox event, the audit record and the outcome under the job's id), and the
 * transaction commits. Delayed jobs for new timers are added after the commit
 * (a crash there is repaired by the reconciler, which rebuilds them from
 * PostgreSQL).
 *
 * A worker applies the jobs it holds at once with `applyBatch`: the same
 * steps for each, in one transaction for all (see there).
 */
@Injectable()
export class TransitionEngine {
  private readonly logger = new Logger(TransitionEngine.name);

  constructor(
    private readonly db: DataSource,
    private readonly campaigns: CampaignsService,
    private readonly workingDays: WorkingDaysService,
    private readonly assessor: HouseholdAssessor,
    private readonly effects: EffectExecutor,
    private readonly history: HistoryStore,
    private readonly scheduler: TimerScheduler,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async apply(req: TransitionRequest): Promise<JobOutcome> {
    let applied: Applied;
    try {
      applied = await this.db.transaction((tx) => this.applyLocked(tx, req));
    } catch (e) {
      if (e instanceof DeadlineDueFirst) return this.afterDeadline(req, e.timerId);
      if (e instanceof AnsweredMeanwhile) return this.answeredMeanwhile(req);
      if (!(e instanceof TransitionRefused)) throw e;
      return this.recordRefusal(req, e.outcome);
    }
    await this.scheduler.schedule(applied.timers);
    return applied.outcome;
  }

  /**
   * Applies several jobs, each to its own application, in ONE transaction:
   * the rows are locked in one statement, in the order of their ids (two
   * batches wait on each other, never deadlock on their rows); every job's
   * read is sent at once, each job is staged from it as `apply` would stage
   * it, and every job's write is sent at once (pipelined, see sendTogether:
   * one round trip for the reads and one for the writes); the archive
   * numbers come last with the COMMIT. What a transaction costs PostgreSQL
   * beyond its statements (BEGIN, the lock's round trip, the COMMIT and its
   * WAL flush) is paid once for the batch (docs/performance.md, "Transitions
   * in batches").
   *
   * All or nothing for what it commits, and each job answered as `apply`
   * answers it: each is staged from its application as the batch found it.
   * The one thing two applications' transitions share is a member, claimed
   * by a conditional write: two jobs of a batch claiming one person fail the
   * second's write, and with it the batch. A job refused, or taking a detour
   * (its level's deadline first, a timer early), is found before anything is
   * written and is left out; after the commit it is applied alone by `apply`,
   * which records the refusal or takes the detour. A surprise once something
   * was written (a member claimed by another batch or by this one, a
   * deadlock, a lost connection) rolls the whole batch back, and every job of
   * it is applied alone, one after another. So does any error of a job's
   * staging that is not a refusal or a detour: it may be PostgreSQL's, and a
   * transaction that failed must not be committed. A second job for an
   * application already in the batch is applied after it, alone.
   *
   * Answers each request's outcome, or the error `apply` threw for it, in order.
   */
  async applyBatch(reqs: TransitionRequest[]): Promise<PromiseSettledResult<JobOutcome>[]> {
    const { batch, repeats } = oneForEachApplication(reqs);
    const together: Together =
      batch.length > 1 ? await this.tryTogether(batch) : { applied: new Map(), alone: batch };
    const settled = new Map<TransitionRequest, PromiseSettledResult<JobOutcome>>();
    const timers = [...together.applied.values()].flatMap((a) => a.timers);
    const unqueued = await this.scheduler.schedule(timers).then(
      () => null,
      (e: unknown) => e,
    );
    for (const [req, a] of together.applied) {
      // As `apply` fails a job whose timers were not queued (its retry answers the recorded
      // outcome, and the reconciler queues the timers from PostgreSQL); one that set none is answered.
      settled.set(
        req,
        unqueued && a.timers.length > 0
          ? { status: 'rejected', reason: unqueued }
          : { status: 'fulfilled', value: a.outcome },
      );
    }
    // One after another, one connection at a time: a batch rolled back under contention must
    // not become a transaction a job at once on the pool. The repeats last, in the order they came.
    for (const req of [...together.alone, ...repeats]) {
      settled.set(
        req,
        await this.apply(req).then(
          (value): PromiseSettledResult<JobOutcome> => ({ status: 'fulfilled', value }),
          (reason: unknown): PromiseSettledResult<JobOutcome> => ({ status: 'rejected', reason }),
        ),
      );
    }
    return reqs.map((req) => settled.get(req)!);
  }

  /** The batch in one transaction; when it fails, nothing of it was committed and every job goes alone. */
  private async tryTogether(batch: TransitionRequest[]): Promise<Together> {
    try {
      return await this.db.transaction((tx) => this.applyTogether(tx, batch));
    } catch (e) {
      this.logger.log(
        `a batch of ${batch.length} jobs was rolled back; each is applied alone: ${(e as Error).message}`,
      );
      return { applied: new Map(), alone: batch };
    }
  }

  private async applyTogether(tx: EntityManager, batch: TransitionRequest[]): Promise<Together> {
    const ids = batch.map((req) => req.applicationId);
    const apps = await lockApplications(tx, ids, this.plans());
    const present: TransitionRequest[] = [];
    // Gone, or never there: `apply` gives the answer (a redelivery's, or 404).
    const alone: TransitionRequest[] = [];
    for (const req of batch) (apps.has(req.applicationId) ? present : alone).push(req);
    // The campaigns first, one by one; one not cached yet is read in the transaction
    // (a wait on another connection while holding the rows' locks could deadlock unseen).
    const campaigns = new Map<string, Campaign>();
    for (const { campaignId } of apps.values())
      if (!campaigns.has(campaignId))
        campaigns.set(campaignId, await this.campaigns.require(campaignId, tx));
    // Each job's read, all sent at once (pipelined): one round trip for the batch.
    const inputs = await sendTogether(
      tx,
      present.map((req) => {
        const app = apps.get(req.applicationId)!;
        return () => this.readForStage(tx, req, app, campaigns.get(app.campaignId)!);
      }),
    );
    const applied = new Map<TransitionRequest, Staged>();
    for (const [i, req] of present.entries()) {
      try {
        applied.set(req, this.stageFrom(tx, req, apps.get(req.applicationId)!, inputs[i]));
      } catch (e) {
        // Nothing of it was written: a refusal, a deadline due first or a timer early
        // is applied alone after the commit. Anything else rolls the batch back.
        if (!(
          e instanceof TransitionRefused ||
          e instanceof DeadlineDueFirst ||
          e instanceof TimerNotDue
        ))
          throw e;
        alone.push(req);
      }
    }
    // The writes, all sent at once too. Every job was staged from reads made before
    // any of them wrote: a member claimed by two of the batch is caught by the second's
    // conditional claim, which fails its write and so rolls the batch back.
    await sendTogether(
      tx,
      [...applied].map(
        ([req, staged]) =>
          () =>
            this.writeStaged(tx, req, staged),
      ),
    );
    // The counters' rows are locked last and in one order (by county and year): they
    // serialise a county's approvals until the commit, and the last goes with the COMMIT.
    const numbered = [...applied]
      .filter(([, staged]) => staged.archiveDue)
      .map(([req, staged]) => ({ req, staged, counter: archiveCounter(staged.archiveDue!) }))
      .sort(
        (a, b) =>
          compareText(a.counter.countyId, b.counter.countyId) || a.counter.year - b.counter.year,
      );
    for (const [i, { req, staged }] of numbered.entries())
      await this.number(tx, req, staged, { withCommit: i === numbered.length - 1 });
    return { applied, alone };
  }

  /**
   * A command asked for after its level's deadline (JobActor.askedAt), before
   * the deadline's timer has fired (a backlog of jobs, a worker restarting, a
   * reconcile after Redis lost the delayed job): the deadline came first, so it
   * is applied first, as its own job would have (the application flagged overdue, the
   * level above alerted, under the timer's id so its own job later answers
   * the same), and then the command. Were the command applied alone, it would
   * cancel the deadline and the lateness would leave no trace. Tried once: if
   * the deadline is refused, the command goes on as it was.
   */
  private async afterDeadline(req: TransitionRequest, timerId: string): Promise<JobOutcome> {
    try {
      await this.apply({ jobId: timerId, applicationId: req.applicationId, actor: null, timerId });
    } catch (e) {
      // Not due on this worker's clock after all: the command goes first, as it would have.
      if (!(e instanceof TimerNotDue)) throw e;
    }
    return this.apply({ ...req, deadlineSettled: true });
  }

  private async answeredMeanwhile(req: TransitionRequest): Promise<JobOutcome> {
    const outcome = await readOutcome(this.db, req.jobId);
    if (!outcome) throw new Error(`job ${req.jobId}: its recorded outcome is gone`);
    return outcome;
  }

  /**
   * A refusal rolls the whole transaction back (nothing an effect did stays)
   * and is then recorded as this job's answer, unless a concurrent delivery of
   * the same job recorded an outcome first: that one is the answer. A timer's
   * refusal also alerts the administrators: its application waits on them.
   */
  private async recordRefusal(req: TransitionRequest, outcome: JobOutcome): Promise<JobOutcome> {
    await recordOutcome(this.db, req.jobId, req.applicationId, outcome, isTimerJob(req));
    if (req.timerId) await this.alertRefusedTimer(req.timerId, outcome);
    return (await readOutcome(this.db, req.jobId)) ?? outcome;
  }

  /**
   * The refusal is recorded whatever becomes of its alert: a failed alert must
   * not turn the refusal into an error (the job would be retried as a crash,
   * not as a refusal). The timer is tried again later, and that refusal alerts.
   */
  private async alertRefusedTimer(timerId: string, outcome: JobOutcome): Promise<void> {
    try {
      await raiseRefusedTimerAlert(this.db, timerId, outcome, this.clock.now());
    } catch (e) {
      this.logger.warn(`timer ${timerId}: its refusal was not alerted: ${(e as Error).message}`);
    }
  }

  private async applyLocked(tx: EntityManager, req: TransitionRequest): Promise<Applied> {
    const app = await lockApplication(tx, req.applicationId, this.plans());
    if (!app) {
      if (await readOutcome(tx, req.jobId)) throw new AnsweredMeanwhile();
      throw new TransitionRefused(refusal(404, 'NOT_FOUND', 'Application not found'));
    }
    const staged = await this.stage(tx, req, app);
    await this.writeStaged(tx, req, staged);
    if (staged.archiveDue) await this.number(tx, req, staged, { withCommit: true });
    return staged;
  }

  /** Generic plans for the transaction's statements where they are named (see lockApplication). */
  private plans(): 'generic' | 'custom' {
    return this.config.databaseNamedStatements ? 'generic' : 'custom';
  }

  /**
   * Everything of a transition up to its write, under the row's lock: the
   * reads, the rules, the effects and the answer, worked out in memory. Throws
   * a refusal (TransitionRefused) or a detour (DeadlineDueFirst, TimerNotDue)
   * before anything is written.
   */
  private async stage(
    tx: EntityManager,
    req: TransitionRequest,
    app: Application,
  ): Promise<Staged> {
    const campaign = await this.campaigns.require(app.campaignId, tx);
    return this.stageFrom(tx, req, app, await this.readForStage(tx, req, app, campaign));
  }

  /** What `stage` reads under the row's lock, in one statement. */
  private async readForStage(
    tx: EntityManager,
    req: TransitionRequest,
    app: Application,
    campaign: Campaign,
  ): Promise<StageInput> {
    const askedAt = askedTime(req, this.clock.now());
    return { campaign, askedAt, reads: await readUnderLock(tx, req, app, campaign, askedAt) };
  }

  /** `stage` once its reads are in: no statement is sent. */
  private stageFrom(
    tx: EntityManager,
    req: TransitionRequest,
    app: Application,
    { campaign, askedAt, reads }: StageInput,
  ): Staged {
    // The same job delivered twice at once: the second waited on the lock while
    // the first committed, and must answer the first's outcome, not apply again.
    if (reads.recorded && settles(reads.recorded.statusCode, isTimerJob(req)))
      return { outcome: reads.recorded, timers: [], writes: null };
    if (req.actor && !canRead(authUser(req), app)) {
      throw new TransitionRefused(refusal(404, 'NOT_FOUND', 'Application not found'));
    }
    if (reads.dueDeadlineTimer) throw new DeadlineDueFirst(reads.dueDeadlineTimer);
    const writes = new WriteBatch();
    const fired = req.timerId ? firedTimer(reads, writes, this.clock.now()) : null;
    if (req.timerId && !fired) {
      const skipped = { statusCode: 200, body: { skipped: 'timer already fired or cancelled' } };
      return { outcome: skipped, timers: [], writes };
    }
    const at = fired?.at ?? this.clock.now();
    const command = fired?.command ?? req.command;
    if (!command) throw new Error(`job ${req.jobId} carries no command`);
    const state: WorkflowState = {
      status: app.status,
      level: app.level,
      unresolvedObjections: reads.unresolvedObjections,
      noticeEnded: app.noticeWaiting,
    };
    const plan = this.plan(state, command, req);
    const changes: Partial<Application> = {};
    const { corrections, assessment } = this.prepare(
      { ...req, command },
      { app, campaign, plan, reads, writes, changes, askedAt },
    );

    const ctx: EffectContext = {
      app,
      campaign,
      calendar: this.workingDays.calendarWith(reads.calendarOverrides),
      communityName: reads.communityName,
      at,
      nextVersion: app.version + 1,
      changes,
      writes,
      firedTimerId: req.timerId ?? null,
      timers: [],
    };
    for (const effect of plan.effects) this.effects.run(effect, ctx);
    this.effects.finish(ctx);
    const { entry, insert } = this.history.chain(historyEntry(req, app, plan, at, corrections), {
      length: app.historyLength,
      hash: app.historyHead,
    });
    writes.add(insert);
    // The row's changes, its new version and the chain's new head, in one UPDATE
    // (a row is changed by one part of the batch only).
    const changed = rowChanges(app, plan, changes, entry);
    const update = writes.add(this.updateStatement(tx, app, changed));
    const after = Object.assign(new Application(), app, changed);
    writes.add(outboxStatement(entry, after.version));
    writes.add(auditStatement(auditEntry(req, entry, after.version)));
    // A command's caller gets the application as this transition left it, recorded
    // with it: a replay answers exactly this. The locked row with what this
    // transaction writes to it is that row (every change of it goes through
    // `changes`), so it is not read again.
    const body = req.timerId
      ? { applicationId: app.id, status: after.status, version: after.version }
      : applicationView(
          after,
          assessment ?? this.assessor.assessOrRefuseWith(after, campaign, reads.lookups!),
          reads.materials,
          this.clock.now(),
        );
    return {
      outcome: { statusCode: 200, body },
      timers: ctx.timers,
      writes,
      update,
      claim: ctx.membershipClaim,
      archiveDue: ctx.archiveNumberDue ? ctx : undefined,
    };
  }

  /** Sends a staged transition's write (nothing for a redelivery answered from its record). */
  private async writeStaged(
    tx: EntityManager,
    req: TransitionRequest,
    staged: Staged,
  ): Promise<void> {
    if (!staged.writes) return;
    await this.write(tx, req, staged.writes, staged.outcome, staged.update, staged.claim);
  }

  /**
   * Takes the archive number of an approval whose write was sent, and puts it
   * in the answer. `withCommit`: it is the transaction's last statement and
   * goes with the COMMIT (see EffectExecutor.archive).
   */
  private async number(
    tx: EntityManager,
    req: TransitionRequest,
    staged: Staged,
    { withCommit }: { withCommit: boolean },
  ): Promise<void> {
    const archiveNo = await this.effects.archive(tx, staged.archiveDue!, req.jobId, { withCommit });
    const body = staged.outcome.body as Record<string, unknown>;
    if ('archiveNo' in body) body.archiveNo = archiveNo;
  }

  /**
   * Sends the batch with the outcome, then checks its conditional parts: the
   * row was updated (it is locked: anything else is a bug, rolled back), the
   * members were all claimed (else the transition is refused), and the outcome
   * was recorded (else a delivery of the same job recorded one first).
   */
  private async write(
    tx: EntityManager,
    req: TransitionRequest,
    writes: WriteBatch,
    outcome: JobOutcome,
    update?: string,
    claim?: EffectContext['membershipClaim'],
  ): Promise<void> {
    const recorded = writes.add(
      outcomeStatement(req.jobId, req.applicationId, outcome, isTimerJob(req)),
    );
    const counted = (part?: string) => (part ? `(SELECT count(*) FROM ${part})::int` : 'NULL::int');
    const checks: { recorded: number; updated: number | null; claimed: number | null } =
      await writes.run(
        tx,
        `SELECT ${counted(recorded)} AS recorded, ${counted(update)} AS updated,
                ${counted(claim?.part)} AS claimed`,
      );
    if (update && checks.updated !== 1)
      throw new Error(`application ${req.applicationId} changed under its lock`);
    if (claim && checks.claimed !== claim.persons) throw memberConflict();
    if (checks.recorded !== 1) throw new AnsweredMeanwhile();
  }

  private updateStatement(
    tx: EntityManager,
    app: Application,
    changed: Partial<Application>,
  ): Statement {
    const set = setClause(tx.connection.getMetadata(Application), changed, 3);
    return {
      sql: `UPDATE applications SET ${set.sql}, updated_at = now()
             WHERE id = $1 AND version = $2 RETURNING id`,
      params: [app.id, app.version, ...set.params],
    };
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

  /**
   * What the services check beyond the state machine, before any effect: the
   * campaign window, eligibility and materials on submission; the objection
   * being resolved; the reviewer's corrections and the figures they change.
   * Answers the corrections' record for the history and the assessment of the
   * household as it now stands, when one was made (the view reuses it).
   */
  private prepare(
    req: TransitionRequest,
    t: {
      app: Application;
      campaign: Campaign;
      plan: TransitionPlan;
      reads: TransitionReads;
      writes: WriteBatch;
      changes: Partial<Application>;
      /** When the command was asked for (see askedTime). */
      askedAt: Date;
    },
  ): { corrections: JsonValue | null; assessment?: HouseholdAssessment } {
    const { app, campaign, plan, reads, changes } = t;
    let assessment: HouseholdAssessment | undefined;
    if (req.command?.type === 'submit') {
      if (app.status === 'draft') {
        // Asked for inside the window is in time, however late its job is applied.
        requireWindowOpen(campaign, t.askedAt);
        changes.submittedAt = this.clock.now();
      }
      assessment = refusedAs(() => this.assessor.assessOrRefuseWith(app, campaign, reads.lookups!));
      this.requireSubmittable(assessment, reads.materials);
      // Other applications may have changed since the draft was saved (a member freed).
      Object.assign(changes, figureColumns(assessment));
    }
    if (req.command?.type === 'resolve_objection') t.writes.add(this.resolveObjection(req, reads));
    if (!req.corrections || plan.kind === 'waiting') return { corrections: null, assessment };
    const { household, record } = applyCorrections(app.household, req.corrections);
    // Corrections change figures only: the members and their communities, which
    // the lookups are about, are the same.
    const corrected = refusedAs(() =>
      this.assessor.assessOrRefuseWith({ ...app, household }, campaign, reads.lookups!),
    );
    Object.assign(changes, { household, ...figureColumns(corrected) });
    if (req.command?.type === 'approve') requireEligible(corrected);
    return { corrections: record, assessment: corrected };
  }

  private requireSubmittable(assessment: HouseholdAssessment, provided: MaterialListing[]): void {
    const reasons = assessment.eligibility.reasons;
    const missing = missingMaterials(assessment.requiredMaterials, provided);
    if (reasons.length === 0 && missing.length === 0) return;
    if (missing.length === 0 && reasons.every((r) => r.code === 'MEMBER_IN_OTHER_APPLICATION'))
      throw memberConflict();
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

  /** The objection must be an open one of this application's running notice. */
  private resolveObjection(req: TransitionRequest, reads: TransitionReads): Statement {
    if (!reads.objectionOpen) {
      throw new TransitionRefused(
        refusal(409, 'OBJECTION_NOT_OPEN', 'No such unresolved objection on this notice'),
      );
    }
    const upheld = req.command?.type === 'resolve_objection' && req.command.upheld;
    return {
      sql: `UPDATE objections SET resolved_at = $2, upheld = $3, opinion = $4, resolved_by = $5
             WHERE id = $1`,
      params: [
        req.objectionId,
        this.clock.now(),
        upheld,
        req.opinion ?? null,
        req.actor?.userId ?? null,
      ],
    };
  }
}

/**
 * A timer's job: the pending timer names the command, which takes effect when
 * the timer was due, however late it fires; it is marked fired in the batch.
 * Null when it was fired or cancelled already (a redelivery, or the state it
 * was set for has been left).
 */
function firedTimer(
  reads: TransitionReads,
  writes: WriteBatch,
  now: Date,
): { command: WorkflowCommand; at: Date } | null {
  const timer = reads.timer;
  if (!timer) return null;
  // A job that arrives early (clock skew between machines) waits until the timer is due.
  if (timer.dueAt > now) throw new TimerNotDue(timer.kind, timer.dueAt);
  writes.add(fireTimerStatement(timer.id, now));
  return { command: { type: timer.kind, level: timer.level as ReviewLevel }, at: timer.dueAt };
}

function historyEntry(
  req: TransitionRequest,
  app: Application,
  plan: TransitionPlan,
  at: Date,
  corrections: JsonValue | null,
): Omit<HistoryEntry, 'seq'> {
  return {
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
  };
}

/** A redelivery of the job recorded its outcome while this one ran: that one is the answer. */
class AnsweredMeanwhile extends Error {}

/** The level's deadline passed and its timer has not fired: it goes first (see afterDeadline). */
class DeadlineDueFirst extends Error {
  constructor(readonly timerId: string) {
    super(`review deadline ${timerId} is due first`);
  }
}

/** A timer's job arrived before the timer is due (see TransitionWorker). */
export class TimerNotDue extends Error {
  constructor(
    readonly kind: TimerKind,
    readonly dueAt: Date,
  ) {
    super(`${kind} timer due at ${dueAt.toISOString()}`);
  }
}

function outboxStatement(entry: ChainedHistoryEntry, version: number): Statement {
  return {
    sql: `INSERT INTO outbox (application_id, event, payload, created_at) VALUES ($1, $2, $3, $4)`,
    params: [
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
  };
}

/**
 * The audit record of the state change, in the transition's transaction and
 * under the job's id: committed with it or not at all, and a redelivered job
 * (which finds its outcome and changes nothing) adds none. Codes, statuses and
 * ids only: the opinion and the corrections (incomes, ID numbers) stay in the history.
 */
function auditEntry(
  req: TransitionRequest,
  entry: ChainedHistoryEntry,
  version: number,
): AuditEntry {
  return {
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
  };
}

/** What the transition writes to the application's row: its changes, status, version and chain head. */
function rowChanges(
  app: Application,
  plan: TransitionPlan,
  changes: Partial<Application>,
  entry: ChainedHistoryEntry,
): Partial<Application> {
  return {
    ...changes,
    status: plan.to.status,
    level: plan.to.level,
    version: app.version + 1,
    historyLength: entry.seq,
    historyHead: entry.hash,
  };
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
function refusedAs<T>(assess: () => T): T {
  try {
    return assess();
  } catch (e) {
    const err = e as { status?: number; code?: string; message: string; details?: [] };
    if (err.status && err.code)
      throw new TransitionRefused(refusal(err.status, err.code, err.message, err.details));
    throw e;
  }
}

/** A timer's job, whose recorded refusal does not settle it (see `settles`). */
function isTimerJob(req: TransitionRequest): boolean {
  return Boolean(req.timerId);
}

/** A transition worked out under its lock (see `stage`), not yet written. */
interface Staged {
  outcome: JobOutcome;
  /** Timers the transition set: their delayed jobs are added after the commit. */
  timers: EffectContext['timers'];
  /** Its write, the outcome's record still to add; null when it is answered from a record. */
  writes: WriteBatch | null;
  /** The application's UPDATE, as a part of `writes`. */
  update?: string;
  claim?: EffectContext['membershipClaim'];
  /** An approval's archive number is due: the effects' context it is taken with. */
  archiveDue?: EffectContext;
}

/** What a transition reads under its lock before it is staged (see `stage`). */
interface StageInput {
  campaign: Campaign;
  /** When the command was asked for (see askedTime). */
  askedAt: Date;
  reads: TransitionReads;
}

/** What a committed transition answers, and the timers to queue. */
type Applied = Pick<Staged, 'outcome' | 'timers'>;

/** A batch's jobs applied in its transaction, and those left to be applied alone. */
interface Together {
  applied: Map<TransitionRequest, Applied>;
  alone: TransitionRequest[];
}

/**
 * The batch, one job per application (the first of each), and the repeats,
 * applied after it one by one: one transaction cannot apply two transitions to
 * one row from the same locked state.
 */
function oneForEachApplication(reqs: TransitionRequest[]): {
  batch: TransitionRequest[];
  repeats: TransitionRequest[];
} {
  const seen = new Set<string>();
  const batch: TransitionRequest[] = [];
  const repeats: TransitionRequest[] = [];
  for (const req of reqs) {
    if (seen.has(req.applicationId)) repeats.push(req);
    else {
      seen.add(req.applicationId);
      batch.push(req);
    }
  }
  return { batch, repeats };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

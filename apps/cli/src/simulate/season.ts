import { INestApplicationContext } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { AuthUser } from '@app/access';
import { ApplicationView } from '@app/applications';
import { addDays, IsoDate, reviewDeadline, WorkingCalendar } from '@app/calendar';
import { Clock, ManualClock } from '@app/clock';
import { ApplicationStatus, isNoticeStatus, isReviewStatus, ReviewLevel } from '@app/domain';
import { AppError, idempotencyKey } from '@app/http';
import {
  DecisionDto,
  ObjectionDto,
  ObjectionsService,
  ResolutionDto,
  TransitionQueue,
  WorkflowCommands,
} from '@app/workflow';
import { Draft, insertMaterials } from './drafts';
import { SeasonClock } from './season-clock';
import { GeneratedHousehold } from './household-generator';
import { Latencies, retryTransient, runInWaves } from './pool';
import { ProgressState } from './progress';
import { Random } from './random';
import { CorrectableHousehold, reviewerCorrection } from './reviewer-corrections';
import { expectedFate, Fate, HouseholdPlan, LevelPlan } from './season-plan';
import { validated, World } from './world';

export type Act = 'submit' | 'withdraw' | 'decide' | 'object' | 'resolve';

/** The simulated day: timers fire when the clock reaches 08:00, then each kind of actor has its hour. */
export const PHASES: readonly { at: string; acts: readonly Act[] }[] = [
  { at: '09:00', acts: ['submit', 'withdraw'] },
  { at: '10:00', acts: ['decide'] },
  { at: '11:00', acts: ['object'] },
  { at: '15:00', acts: ['resolve'] },
];
const TIMERS_AT = '08:00';
/** A season that has not settled after this many days is stuck: the run stops and says so. */
const MAX_DAYS = 260;

export interface Refusal {
  act: Act;
  code: string;
  details: string[];
  on: IsoDate;
}

export interface SimRecord {
  household: GeneratedHousehold;
  plan: HouseholdPlan;
  expected: { fate: Fate; because: string };
  applicationId: string;
  applicant: AuthUser;
  status: ApplicationStatus;
  version: number;
  next: { on: IsoDate; act: Act } | null;
  /** Reviews started at each level (a resubmission after a return starts a second). */
  rounds: Record<ReviewLevel, number>;
  objected: Set<ReviewLevel>;
  openObjections: string[];
  withheld: Draft['withheld'];
  fixPending: boolean;
  refusals: Refusal[];
  /** Current figures: the declaration's, as corrected by reviewers. */
  persons: number;
  householdIncomeFen: number;
  countedAreaCenti: number;
  /** The declared properties with their ids (materials and corrections name them). */
  properties: { id: string; areaCenti: number; counted: boolean }[];
  /** The members' incomes as declared, then as corrected. */
  members: CorrectableHousehold['members'];
  /** Levels at which the deadline passes before the reviewer acts: an alert each. */
  expectedAlerts: ReviewLevel[];
  corrected: boolean;
  /** Commands sent so far: each gets an Idempotency-Key of its own. */
  commandSerial: number;
  /** The household's own draws (corrections): the same whatever order concurrent acts run in. */
  rng: Random;
}

export interface SeasonResult {
  days: number;
  firstDay: IsoDate;
  lastDay: IsoDate;
  wallMs: number;
  /** Time spent moving the clock (timers fired and awaited) and acting. */
  timersMs: number;
  actingMs: number;
  clockRetries: number;
  transientRetries: number;
  /** Commands answered 503 TRANSITION_PENDING and sent again with their Idempotency-Key. */
  pendingRetries: number;
  latencies: Record<Act, ReturnType<Latencies['summary']>>;
  refusals: Map<string, number>;
  objectionsFiled: number;
  stuck: boolean;
}

export interface SeasonHooks {
  progress: (state: ProgressState) => void;
  /** Once a day, after the day's acts: Redis housekeeping, CPU samples. */
  endOfDay: (day: IsoDate) => Promise<void>;
}

const levelOf = (status: ApplicationStatus): ReviewLevel => status.split('_')[0] as ReviewLevel;
/** The ID numbers of a household's persons: what two live applications may not share. */
const personsOf = (r: SimRecord): string[] => r.household.members.map((m) => m.idNumber);
const instantOf = (day: IsoDate, time: string) => new Date(`${day}T${time}:00+08:00`);

/**
 * Drives the season day by day under the manual clock: applicants submit,
 * resubmit and withdraw, reviewers decide (some after their deadline), the
 * public objects during notices and reviewers resolve, each through the
 * service's own commands, which go through the BullMQ queue to the worker
 * processes; the clock's moves fire the deadlines and notice ends.
 */
export class Season {
  readonly records: SimRecord[];
  private readonly byId = new Map<string, SimRecord>();
  private readonly commands: WorkflowCommands;
  private readonly objections: ObjectionsService;
  private readonly clock: SeasonClock;
  private readonly db: DataSource;
  private readonly latencies: Record<Act, Latencies> = {
    submit: new Latencies(),
    withdraw: new Latencies(),
    decide: new Latencies(),
    object: new Latencies(),
    resolve: new Latencies(),
  };
  private readonly refusalCounts = new Map<string, number>();
  private readonly communityReviewer: Map<string, AuthUser>;
  private readonly townReviewer: Map<string, AuthUser>;
  private readonly townOf: Map<string, string>;
  private today: IsoDate;
  private objectionsFiled = 0;
  private pendingRetries = 0;
  /** Attempts repeated after a transient failure of the shared servers (see retryTransient). */
  readonly transientRetries = { count: 0 };

  constructor(
    app: INestApplicationContext,
    private readonly world: World,
    private readonly calendar: WorkingCalendar,
    households: readonly GeneratedHousehold[],
    plans: readonly HouseholdPlan[],
    drafts: readonly Draft[],
    rng: Random,
    private readonly concurrency: number,
  ) {
    this.commands = app.get(WorkflowCommands);
    this.objections = app.get(ObjectionsService);
    this.db = app.get(DataSource);
    const clock = app.get(Clock);
    if (!(clock instanceof ManualClock)) throw new Error('the simulation needs CLOCK=manual');
    this.clock = new SeasonClock(clock, this.db);
    this.today = world.campaign.opensOn;
    this.communityReviewer = new Map(world.communities.map((c) => [c.region.id, c.reviewer]));
    this.townReviewer = new Map(world.towns.map((t) => [t.region.id, t.reviewer]));
    this.townOf = new Map(world.communities.map((c) => [c.region.id, c.town.id]));
    this.records = drafts.map((d, i) => {
      const household = households[i];
      const r: SimRecord = {
        household,
        plan: plans[i],
        expected: expectedFate(household, plans[i]),
        applicationId: d.applicationId,
        applicant: d.applicant,
        status: 'draft',
        version: 1,
        next: null,
        rounds: { community: 0, town: 0, bureau: 0 },
        objected: new Set(),
        openObjections: [],
        withheld: d.withheld,
        fixPending: false,
        refusals: [],
        persons: d.persons,
        householdIncomeFen: d.householdIncomeFen,
        countedAreaCenti: d.countedAreaCenti,
        properties: d.properties.map((p) => ({ ...p })),
        members: household.members.map((m) => ({
          idNumber: m.idNumber,
          incomeSource: m.incomeSource,
          annualIncomeFen: m.annualIncomeFen,
        })),
        expectedAlerts: [],
        corrected: false,
        commandSerial: 0,
        rng: rng.fork(),
      };
      this.byId.set(r.applicationId, r);
      return r;
    });
  }

  async run(hooks: SeasonHooks, transitionsSoFar: () => Promise<number>): Promise<SeasonResult> {
    const started = performance.now();
    let timersMs = 0;
    let actingMs = 0;
    const first = this.world.campaign.opensOn;
    const estimate = this.estimateDays();
    for (const r of this.records) this.enter(r);
    let day = first;
    let days = 0;
    let stuck = false;
    for (;;) {
      this.today = day;
      days += 1;
      let t = performance.now();
      await this.clock.set(instantOf(day, TIMERS_AT));
      await retryTransient(() => this.refresh(), this.transientRetries);
      timersMs += performance.now() - t;
      t = performance.now();
      for (const phase of PHASES) {
        const due = this.records.filter(
          (r) => r.next !== null && r.next.on <= day && phase.acts.includes(r.next.act),
        );
        if (due.length === 0) continue;
        await this.clock.set(instantOf(day, phase.at));
        // Two households with a person in common (an adult child who also applies
        // alone) never act at once: which of them the person's live application
        // goes to must follow the seed, not the race of two concurrent submissions.
        await runInWaves(due, personsOf, this.concurrency, (r) => this.act(r));
      }
      actingMs += performance.now() - t;
      await retryTransient(() => hooks.endOfDay(day), this.transientRetries);
      const settled = day >= this.world.campaign.closesOn && this.settled();
      hooks.progress({
        day: days,
        days: settled ? days : Math.max(estimate, days + 1),
        date: day,
        transitions: await retryTransient(transitionsSoFar, this.transientRetries),
        elapsedMs: performance.now() - started,
        inFlight: this.inFlight(),
      });
      if (settled) break;
      if (days >= MAX_DAYS) {
        stuck = true;
        break;
      }
      day = addDays(day, 1);
    }
    return {
      days,
      firstDay: first,
      lastDay: day,
      wallMs: performance.now() - started,
      timersMs,
      actingMs,
      clockRetries: this.clock.retries,
      transientRetries: this.transientRetries.count,
      pendingRetries: this.pendingRetries,
      latencies: Object.fromEntries(
        Object.entries(this.latencies).map(([k, v]) => [k, v.summary()]),
      ) as SeasonResult['latencies'],
      refusals: this.refusalCounts,
      objectionsFiled: this.objectionsFiled,
      stuck,
    };
  }

  /** The window plus the three reviews and notices of the last submissions. */
  private estimateDays(): number {
    const c = this.world.campaign;
    const window = Math.round((Date.parse(c.closesOn) - Date.parse(c.opensOn)) / 86_400_000) + 1;
    const workdays = c.reviewDaysCommunity + c.reviewDaysTown + c.reviewDaysBureau;
    return window + Math.round((workdays * 7) / 5) + 3 * (c.noticeDays + 2);
  }

  private settled(): boolean {
    return this.records.every((r) => r.next === null && !this.isInFlight(r.status));
  }

  private isInFlight(status: ApplicationStatus): boolean {
    return isReviewStatus(status) || isNoticeStatus(status);
  }

  private inFlight(): number {
    return this.records.filter((r) => this.isInFlight(r.status)).length;
  }

  /** Picks up what the timers changed (notice ends, forwards, archiving) for the applications in flight. */
  private async refresh(): Promise<void> {
    const ids = this.records.filter((r) => this.isInFlight(r.status)).map((r) => r.applicationId);
    if (ids.length === 0) return;
    const rows: { id: string; status: ApplicationStatus; version: number }[] = await this.db.query(
      `SELECT id, status, version FROM applications WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    for (const row of rows) {
      const r = this.byId.get(row.id)!;
      if (row.version === r.version) continue;
      const moved = row.status !== r.status;
      r.status = row.status;
      r.version = row.version;
      if (moved) this.enter(r);
    }
  }

  /** What the household does next in its new status, per its plan. */
  private enter(r: SimRecord): void {
    const today = this.today;
    const { plan } = r;
    r.next = null;
    if (r.status === 'draft') {
      if (!plan.abandons) r.next = { on: plan.submitOn, act: 'submit' };
      return;
    }
    if (isReviewStatus(r.status)) {
      const level = levelOf(r.status);
      const round = ++r.rounds[level];
      const p = plan.levels[level];
      const withdrawing = round === 1 && p.withdrawAfter !== null;
      const on = this.calendar.addWorkdays(
        today,
        withdrawing ? p.withdrawAfter! : round === 1 ? p.delay : p.secondDelay,
      );
      r.next = { on, act: withdrawing ? 'withdraw' : 'decide' };
      if (on > reviewDeadline(this.calendar, today, this.deadlineOf(level)).lastDay)
        r.expectedAlerts.push(level);
      return;
    }
    if (isNoticeStatus(r.status)) {
      const level = levelOf(r.status);
      const objection = plan.levels[level].objection;
      if (objection && !r.objected.has(level))
        r.next = { on: addDays(today, objection.afterDays), act: 'object' };
      else if (r.openObjections.length > 0) r.next = { on: today, act: 'resolve' };
      return;
    }
    if (r.status === 'returned') {
      const after = this.returnPlan(r).resubmitAfterDays;
      if (after !== null)
        r.next = { on: this.calendar.nextWorkdayOnOrAfter(addDays(today, after)), act: 'submit' };
    }
  }

  private returnPlan(r: SimRecord): LevelPlan {
    const level = (['bureau', 'town', 'community'] as const).find((l) => r.rounds[l] > 0)!;
    return r.plan.levels[level];
  }

  private deadlineOf(level: ReviewLevel): number {
    const c = this.world.campaign;
    return { community: c.reviewDaysCommunity, town: c.reviewDaysTown, bureau: c.reviewDaysBureau }[
      level
    ];
  }

  private reviewerOf(r: SimRecord, level: ReviewLevel): AuthUser {
    const community = r.household.communityId;
    if (level === 'community') return this.communityReviewer.get(community)!;
    if (level === 'town') return this.townReviewer.get(this.townOf.get(community)!)!;
    return this.world.bureau;
  }

  private async act(r: SimRecord): Promise<void> {
    const act = r.next!.act;
    r.next = null;
    const started = performance.now();
    try {
      await retryTransient(() => this.perform(r, act), this.transientRetries);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      this.refused(r, act, e);
    } finally {
      this.latencies[act].add(performance.now() - started);
    }
  }

  private async perform(r: SimRecord, act: Act): Promise<void> {
    if (act === 'submit') await this.submit(r);
    else if (act === 'withdraw')
      this.applyView(
        r,
        await this.command(r, (key) => this.commands.withdraw(r.applicant, r.applicationId, key)),
      );
    else if (act === 'decide') await this.decide(r);
    else if (act === 'object') await this.object(r);
    else await this.resolve(r);
  }

  /**
   * Sends a command as a careful client does: with an Idempotency-Key, and
   * again with the same key when the answer is 503 TRANSITION_PENDING (queued,
   * not applied within the wait), until the outcome recorded for it comes back.
   */
  private async command<T>(r: SimRecord, send: (key: string) => Promise<T>): Promise<T> {
    const key = idempotencyKey(`sim-${r.applicationId}-${++r.commandSerial}`)!;
    for (let attempt = 1; ; attempt++) {
      try {
        return await send(key);
      } catch (e) {
        if (!(e instanceof AppError) || e.code !== 'TRANSITION_PENDING' || attempt >= 20) throw e;
        this.pendingRetries += 1;
      }
    }
  }

  private applyView(r: SimRecord, view: Pick<ApplicationView, 'status' | 'version'>): void {
    const moved = view.status !== r.status;
    r.status = view.status;
    r.version = view.version;
    if (moved) this.enter(r);
  }

  private refused(r: SimRecord, act: Act, e: AppError): void {
    const details = e.details.map((d) => d.code);
    r.refusals.push({ act, code: e.code, details, on: this.today });
    const key = `${act}: ${e.code}${details.length ? ` (${[...new Set(details)].sort().join(', ')})` : ''}`;
    this.refusalCounts.set(key, (this.refusalCounts.get(key) ?? 0) + 1);
    const onlyMaterials = details.length > 0 && details.every((d) => d === 'MATERIAL_MISSING');
    if (act === 'submit' && e.code === 'NOT_SUBMITTABLE' && onlyMaterials && r.withheld) {
      // The applicant brings the forgotten material a few working days later.
      r.fixPending = true;
      r.next = {
        on: this.calendar.addWorkdays(this.today, r.plan.missingMaterial?.fixAfterWorkdays ?? 1),
        act: 'submit',
      };
    }
  }

  private async submit(r: SimRecord): Promise<void> {
    if (r.fixPending && r.withheld) {
      await insertMaterials((sql, params) => this.db.query(sql, params), [r.withheld]);
      r.withheld = null;
      r.fixPending = false;
    }
    this.applyView(
      r,
      await this.command(r, (key) => this.commands.submit(r.applicant, r.applicationId, key)),
    );
  }

  private async decide(r: SimRecord): Promise<void> {
    const level = levelOf(r.status);
    const p = r.plan.levels[level];
    const first = r.rounds[level] === 1;
    const decision = first ? p.decision : 'approve';
    const correction =
      first && p.correction !== 'none'
        ? reviewerCorrection(r, p.correction, this.world.campaign, r.rng)
        : null;
    const reviewer = this.reviewerOf(r, level);
    const dto = await validated(DecisionDto, {
      decision,
      opinion: OPINIONS[decision],
      signature: reviewer.name,
      ...(correction ? { corrections: correction.payload } : {}),
    });
    const view = await this.command(r, (key) =>
      this.commands.decide(reviewer, r.applicationId, dto, key),
    );
    if (correction) {
      correction.apply();
      r.corrected = true;
    }
    this.applyView(r, view);
  }

  private async object(r: SimRecord): Promise<void> {
    const level = levelOf(r.status);
    const plan = r.plan.levels[level].objection!;
    r.objected.add(level);
    const [notice]: { id: string }[] = await this.db.query(
      `SELECT id FROM notices WHERE application_id = $1 AND closed_at IS NULL`,
      [r.applicationId],
    );
    if (!notice) throw new Error(`no open notice for ${r.applicationId} in ${r.status}`);
    for (let i = 0; i < plan.count; i++) {
      // The text and the client follow the household, not the order in which
      // the day's concurrent objections happen to be filed.
      const dto = await validated(ObjectionDto, {
        content: OBJECTIONS[(r.household.index + i) % OBJECTIONS.length],
        contactName: '群众',
      });
      // One client per objection: the rate limit is per client and hour.
      const client = `sim-public-${r.household.index}-${level}-${i}`;
      this.objectionsFiled += 1;
      const { objectionId } = await this.objections.file(notice.id, dto, client);
      r.openObjections.push(objectionId);
    }
    const sameDay = plan.resolveAfterWorkdays === 0 && this.calendar.isWorkday(this.today);
    r.next = {
      on: sameDay
        ? this.today
        : this.calendar.addWorkdays(this.today, Math.max(1, plan.resolveAfterWorkdays)),
      act: 'resolve',
    };
  }

  private async resolve(r: SimRecord): Promise<void> {
    const level = levelOf(r.status);
    const plan = r.plan.levels[level].objection!;
    const reviewer = this.reviewerOf(r, level);
    while (r.openObjections.length > 0) {
      const objectionId = r.openObjections[0];
      const upheld = plan.upheld && r.openObjections.length === 1;
      const dto = await validated(ResolutionDto, {
        upheld,
        opinion: upheld ? '经核实，异议成立。' : '经核实，异议不成立。',
        signature: reviewer.name,
      });
      r.openObjections.shift();
      this.applyView(
        r,
        await this.command(r, (key) =>
          this.commands.resolveObjection(reviewer, r.applicationId, objectionId, dto, key),
        ),
      );
    }
  }

  /** Completed jobs are kept in Redis an hour (KEEP_COMPLETED), a season's days in seconds: it clears them daily. */
  static async cleanCompleted(queue: TransitionQueue): Promise<number> {
    return (await queue.queue.clean(0, 0, 'completed')).length;
  }
}

const OPINIONS = {
  approve: '经入户调查核实，申报情况属实，同意上报。',
  reject: '经调查核实，不符合申报条件，不予通过。',
  return: '申报材料不全，请补充相关证明材料后重新申报。',
} as const;

const OBJECTIONS = [
  '该户在城北另有住房一套，未如实申报。',
  '该户家庭成员有经营收入，申报收入偏低。',
  '该户实际居住地不在本社区。',
];

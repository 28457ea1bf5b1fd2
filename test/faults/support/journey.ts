import { DataSource } from 'typeorm';
import { WorkflowWorld } from '../../support/workflow-fixture';
import { moveClock } from './clock';
import { Sent, CommandSender } from './commands';
import { FaultBed } from './fault-bed';
import { Applicant } from './households';
import { mapLimit } from './wait';

/** Submitted on Friday 2025-09-26: every community deadline is due at 2025-10-11T00:00+08:00 (workflow-journey). */
const SUBMITTED_AT = '2025-09-26T10:00:00+08:00';
const COMMUNITY_DEADLINES_PASSED = '2025-10-11T00:00:00+08:00';

export interface Refusal {
  step: string;
  applicationId: string;
  status: number;
  body: unknown;
}

/**
 * Drives applications from draft to the archive through the HTTP API, as the
 * people involved would: the applicant submits, the community lets its
 * deadline pass (each application becomes overdue and raises an alert), then
 * each level approves every application and the clock moves to the end of
 * the notices, which forwards them (and at the bureau, approves and archives).
 * That is 8 transitions per application. Every command carries an
 * Idempotency-Key and is retried on a fault, so a lost answer is never a lost
 * or doubled transition; anything but 200 is kept as a refusal.
 */
export class Journey {
  readonly refusals: Refusal[] = [];
  /** 200 answers that were not the application view the contract promises. */
  readonly answersWithoutView: Sent[] = [];
  clockMoves = 0;
  /** The answers that made a clock move retry. */
  readonly clockFailures: string[] = [];

  constructor(
    private readonly bed: FaultBed,
    private readonly world: WorkflowWorld,
    private readonly applicant: Applicant,
    readonly sender: CommandSender,
    private readonly concurrency = 32,
  ) {}

  static readonly TRANSITIONS_PER_APPLICATION = 8;

  async run(ids: string[]): Promise<void> {
    await this.moveClock(SUBMITTED_AT);
    await this.each(ids, 'submit', this.applicant.token, () => undefined);
    await this.moveClock(COMMUNITY_DEADLINES_PASSED);
    const { community, town, bureau } = this.world;
    for (const [level, reviewer] of Object.entries({ community, town, bureau })) {
      await this.each(ids, `approve-${level}`, reviewer.token, () => ({
        decision: 'approve',
        opinion: '经调查核实',
        signature: reviewer.name,
      }));
      await this.moveClock(await this.latestNoticeEnd(ids));
    }
  }

  private async each(
    ids: string[],
    step: string,
    token: string,
    body: () => Record<string, unknown> | undefined,
  ): Promise<void> {
    const path = step === 'submit' ? 'submit' : 'decisions';
    await mapLimit(ids, this.concurrency, async (id) => {
      const reply = await this.sender.post(`/api/applications/${id}/${path}`, {
        token,
        body: body(),
        idempotencyKey: `${step}-${id}`,
      });
      if (reply.status !== 200) {
        this.refusals.push({ step, applicationId: id, status: reply.status, body: reply.body });
      } else if ((reply.body as { id?: string }).id !== id) {
        this.answersWithoutView.push(reply);
      }
    });
  }

  private async moveClock(now: string): Promise<void> {
    this.clockMoves += 1;
    await moveClock(this.bed, this.world.admin, now, this.clockFailures);
  }

  private async latestNoticeEnd(ids: string[]): Promise<string> {
    const [row]: { end: Date | null }[] = await this.bed.db.query(
      `SELECT max(notice_ends_at) AS end FROM applications WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    if (!row.end) throw new Error('no application is on notice');
    return row.end.toISOString();
  }
}

/** Transitions made so far: history entries (one per transition). */
export async function transitionsMade(db: DataSource): Promise<number> {
  const [{ n }]: { n: string }[] = await db.query(`SELECT count(*) AS n FROM application_history`);
  return Number(n);
}

/** "500 INTERNAL_ERROR×2, 503 TRANSITION_PENDING×1" */
export function tallyAnswers(answers: string[]): string {
  const counts = new Map<string, number>();
  for (const a of answers) counts.set(a, (counts.get(a) ?? 0) + 1);
  return [...counts.entries()].map(([a, n]) => `${a}×${n}`).join(', ') || 'none';
}

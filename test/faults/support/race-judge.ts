import { FaultBed } from './fault-bed';
import { Answer } from './races';

/** Codes a losing decision may get: its level has decided, or it is not (yet, any more) its level. */
const DECISION_LOSER_CODES = ['WRONG_LEVEL', 'ALREADY_DECIDED'];

/**
 * The double-approval race: exactly one 200 per application, every other a
 * 409 ALREADY_DECIDED, and exactly one `approve` entry after submission.
 */
export function judgeApprovalRace(
  answers: Map<string, Answer[]>,
  history: Map<string, string[]>,
): string[] {
  const problems: string[] = [];
  for (const [id, list] of answers) {
    const winners = list.filter((a) => a.status === 200).length;
    const badLosers = list.filter(
      (a) => a.status !== 200 && !(a.status === 409 && a.code === 'ALREADY_DECIDED'),
    );
    if (winners !== 1 || badLosers.length > 0)
      problems.push(`${id}: ${winners} winners, losers ${badLosers.map(describe).join(', ')}`);
    if (history.get(id)?.join() !== 'approve')
      problems.push(`${id}: history after the race is ${history.get(id)?.join()}`);
  }
  return problems;
}

export interface NoticeEndOutcomes {
  /** Objections got in before the end: the timer left the notice waiting for their resolution. */
  waiting: number;
  /** No objection got in: the timer forwarded the application to the next level. */
  forwarded: number;
  /** … and one next-level approval then won. */
  forwardedAndApproved: number;
  /** Objections both accepted and refused on one notice: the end fell among them. */
  contested: number;
}

/**
 * The notice-end race, per application: the end has exactly one outcome.
 * Either objections were accepted (201) and the timer's entry is
 * `notice_waiting`, with no next-level approval; or every objection was
 * refused (409 NOTICE_ENDED) and the timer's entry is `notice_end`, after which
 * at most one next-level approval won. Every other answer is a 409 with the
 * contract's code, and the stored objections are exactly the accepted ones.
 */
export function judgeNoticeEndRace(
  answers: Map<string, Answer[]>,
  history: Map<string, string[]>,
  storedObjections: Map<string, number>,
): { problems: string[]; outcomes: NoticeEndOutcomes } {
  const problems: string[] = [];
  const outcomes: NoticeEndOutcomes = {
    waiting: 0,
    forwarded: 0,
    forwardedAndApproved: 0,
    contested: 0,
  };
  for (const [id, list] of answers) {
    const count = (who: string, status: number) =>
      list.filter((a) => a.who === who && a.status === status).length;
    const accepted = count('objection', 201);
    const nextWins = count('next-level approval', 200);
    const entries = (history.get(id) ?? []).join();
    if (accepted > 0 && count('objection', 409) > 0) outcomes.contested += 1;
    for (const a of list.filter((x) => !allowed(x)))
      problems.push(`${id}: ${a.who} answered ${describe(a)}`);
    if ((storedObjections.get(id) ?? 0) !== accepted)
      problems.push(
        `${id}: ${accepted} objections acknowledged, ${storedObjections.get(id) ?? 0} stored`,
      );
    if (accepted > 0) {
      outcomes.waiting += 1;
      if (entries !== 'notice_waiting' || nextWins > 0)
        problems.push(
          `${id}: objections held the notice, yet history ${entries}, next level won ${nextWins}`,
        );
    } else {
      outcomes.forwarded += 1;
      if (nextWins > 0) outcomes.forwardedAndApproved += 1;
      const expected = nextWins === 1 ? 'notice_end,approve' : 'notice_end';
      if (nextWins > 1 || entries !== expected)
        problems.push(`${id}: no objection, next level won ${nextWins}, history ${entries}`);
    }
  }
  return { problems, outcomes };
}

function allowed(a: Answer): boolean {
  if (a.who === 'objection')
    return a.status === 201 || (a.status === 409 && a.code === 'NOTICE_ENDED');
  const lost = a.status === 409 && DECISION_LOSER_CODES.includes(a.code ?? '');
  return a.who === 'next-level approval' ? a.status === 200 || lost : lost;
}

const describe = (a: Answer): string => `${a.status} ${a.code ?? ''}`.trim();

/** Each application's history entry types after entry `seq`, in order. */
export async function entriesAfter(bed: FaultBed, seq: number): Promise<Map<string, string[]>> {
  const rows: { application_id: string; types: string[] }[] = await bed.db.query(
    `SELECT application_id, array_agg(type ORDER BY seq) AS types FROM application_history
      WHERE seq > $1 GROUP BY application_id`,
    [seq],
  );
  return new Map(rows.map((r) => [r.application_id, r.types]));
}

/** Stored objections per application, and how many were stored at or after the notices' end. */
export async function storedObjections(bed: FaultBed, end: Date) {
  const rows: { application_id: string; n: string; late: string }[] = await bed.db.query(
    `SELECT application_id, count(*) AS n, count(*) FILTER (WHERE created_at >= $1) AS late
       FROM objections GROUP BY application_id`,
    [end],
  );
  return {
    perApplication: new Map(rows.map((r) => [r.application_id, Number(r.n)])),
    late: rows.reduce((sum, r) => sum + Number(r.late), 0),
  };
}

/** "200×50, 409 ALREADY_DECIDED×950" over every application's answers. */
export function tally(answers: Map<string, Answer[]>): string {
  const counts = new Map<string, number>();
  for (const a of [...answers.values()].flat())
    counts.set(describe(a), (counts.get(describe(a)) ?? 0) + 1);
  return [...counts.entries()]
    .sort()
    .map(([k, n]) => `${k}×${n}`)
    .join(', ');
}

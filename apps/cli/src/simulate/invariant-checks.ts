import { areaTier, ChainedHistoryEntry, CampaignRules, incomeTier, verifyChain } from '@app/domain';
import { historyEntryFromRow, HistoryRow } from '@app/workflow';
import { formatCount } from './progress';
import type { Fate } from './season-plan';
import {
  areaTierLabel,
  incomeTierLabel,
  layTierTable,
  TierAxes,
  TierGroup,
  TierTable,
} from '@app/statistics';

export interface CheckLine {
  ok: boolean;
  name: string;
  detail: string;
}

export const check = (ok: boolean, name: string, detail: string): CheckLine => ({
  ok,
  name,
  detail,
});

/** Codes of refused submissions that leave a household in draft whatever its plan said. */
const DRAFT_EXPLAINED_BY = new Set(['MEMBER_IN_OTHER_APPLICATION', 'OUTSIDE_CAMPAIGN_WINDOW']);

export interface OutcomeSubject {
  expected: { fate: Fate; because: string };
  refusals: readonly { act: string; code: string; details: readonly string[] }[];
}

/**
 * Why a household ended where it did: its plan, or a refusal the simulator
 * saw that explains a different end (a person in another live application, the
 * window closed before a late submission). Null: unexplained (a bug somewhere).
 */
export function explainOutcome(subject: OutcomeSubject, status: string): string | null {
  if (status === subject.expected.fate) return subject.expected.because;
  if (status !== 'draft') return null;
  const refusal = subject.refusals.find(
    (f) =>
      f.act === 'submit' &&
      (DRAFT_EXPLAINED_BY.has(f.code) || f.details.some((d) => DRAFT_EXPLAINED_BY.has(d))),
  );
  if (!refusal) return null;
  const code = DRAFT_EXPLAINED_BY.has(refusal.code)
    ? refusal.code
    : refusal.details.find((d) => DRAFT_EXPLAINED_BY.has(d));
  return `submission refused: ${code}`;
}

export interface Figures {
  persons: number;
  householdIncomeFen: number;
  countedAreaCenti: number;
}

/** The tier table the simulator expects from its own figures, laid out by the statistics' own layout. */
export function expectedTierTable(
  households: readonly Figures[],
  rules: TierAxes & Pick<CampaignRules, 'referenceIncomeFen'>,
): TierTable {
  const groups = new Map<string, TierGroup>();
  for (const h of households) {
    const income = incomeTier(h.householdIncomeFen, h.persons, rules);
    const area = areaTier(h.countedAreaCenti, h.persons, rules);
    const key = `${income}/${area}`;
    const group = groups.get(key) ?? { incomeTier: income, areaTier: area, households: 0, persons: 0 }; // prettier-ignore
    group.households += 1;
    group.persons += h.persons;
    groups.set(key, group);
  }
  return layTierTable(rules, [...groups.values()]);
}

/** Cells (and the out-of-tier count) where two tables of the same axes differ. */
export function tierTableDifferences(expected: TierTable, actual: TierTable): string[] {
  const found: string[] = [];
  expected.incomeTiers.forEach((income, i) =>
    expected.areaTiers.forEach((area, j) => {
      const e = expected.cells[i][j];
      const a = actual.cells[i]?.[j];
      if (!a || a.households !== e.households || a.persons !== e.persons)
        found.push(
          `${incomeTierLabel(income)} × ${areaTierLabel(area)}: expected ${e.households}/${e.persons}, got ${a?.households}/${a?.persons}`,
        );
    }),
  );
  if (expected.outsideTiers.households !== actual.outsideTiers.households)
    found.push(`outside tiers: expected ${expected.outsideTiers.households}, got ${actual.outsideTiers.households}`); // prettier-ignore
  return found;
}

/** Verifies each application's chain (rows ordered by application, then seq) with the domain's verifyChain. */
export class ChainTally {
  valid = 0;
  entries = 0;
  readonly broken: { applicationId: string; reason: string; seq: number }[] = [];
  private current: ChainedHistoryEntry[] = [];

  add(rows: readonly HistoryRow[]): void {
    for (const row of rows) {
      if (this.current.length > 0 && this.current[0].applicationId !== row.application_id)
        this.flush();
      this.current.push(historyEntryFromRow(row));
      this.entries += 1;
    }
  }

  /** Ends the last chain; call once after the last rows. */
  flush(): void {
    if (this.current.length === 0) return;
    const result = verifyChain(this.current);
    if (result.valid) this.valid += 1;
    else
      this.broken.push({
        applicationId: this.current[0].applicationId,
        reason: result.reason,
        seq: result.firstBrokenSeq,
      });
    this.current = [];
  }
}

/**
 * The hour each kind of history entry must carry: the simulator acts at fixed
 * hours and timers fall due at midnight. Another hour means a worker applied
 * a transition with a clock other than the simulator's (a stale manual clock).
 */
export const EXPECTED_HOUR: Record<string, string> = {
  submit: '09:00',
  resubmit: '09:00',
  withdraw: '09:00',
  approve: '10:00',
  reject: '10:00',
  return: '10:00',
  objection_upheld: '15:00',
  objection_dismissed: '15:00',
  notice_end: '00:00',
  notice_waiting: '00:00',
  review_overdue: '00:00',
};

export function unexpectedHours(
  rows: readonly { type: string; hm: string; n: number }[],
): string[] {
  return rows
    .filter((r) => EXPECTED_HOUR[r.type] !== r.hm)
    .map((r) => `${r.n} × ${r.type} at ${r.hm} (expected ${EXPECTED_HOUR[r.type] ?? '?'})`);
}

/** Terminal display width: CJK characters take two columns. */
export function displayWidth(s: string): number {
  let width = 0;
  for (const ch of s) width += /[\u1100-\uffff]/.test(ch) ? 2 : 1;
  return width;
}

const padTo = (s: string, width: number) => ' '.repeat(Math.max(0, width - displayWidth(s))) + s;

/** The 8 × 7 table of households, with row and column totals, as text (labels from the statistics). */
export function formatTierTable(table: TierTable): string[] {
  const first = 9;
  const width = 12;
  const header = [padTo('', first), ...table.areaTiers.map(areaTierLabel), '合计'].map((s, i) =>
    i === 0 ? s : padTo(s, width),
  );
  const lines = [header.join('')];
  table.incomeTiers.forEach((income, i) => {
    lines.push(
      [
        padTo(incomeTierLabel(income), first),
        ...table.cells[i].map((c) => padTo(formatCount(c.households), width)),
        padTo(formatCount(table.rowTotals[i].households), width),
      ].join(''),
    );
  });
  lines.push(
    [
      padTo('合计', first),
      ...table.columnTotals.map((c) => padTo(formatCount(c.households), width)),
      padTo(formatCount(table.total.households), width),
    ].join(''),
  );
  lines.push(
    `households ${formatCount(table.total.households)}, persons ${formatCount(table.total.persons)}` +
      `, outside every tier ${formatCount(table.outsideTiers.households)}`,
  );
  return lines;
}

/** Counts per key, largest first, as `key n` lines. */
export function tallyLines(counts: ReadonlyMap<string, number>, indent = '    '): string[] {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${indent}${formatCount(n).padStart(8)}  ${k}`);
}

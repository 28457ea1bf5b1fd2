import type { IsoDate } from '../dates';
import type { Centi, Fen, Hundredths } from '../units';

/** The parameters of one survey round that decide eligibility and tiers. */
export interface CampaignRules {
  /** The county's urban per-capita annual disposable income. */
  readonly referenceIncomeFen: Fen;
  /** Per-capita construction area limit (included). */
  readonly areaLimitCenti: Centi;
  /** Strictly increasing, in hundredths; the last is 100 (the reference income itself). */
  readonly incomeCoefficients: readonly Hundredths[];
  /** Strictly increasing; the last equals areaLimitCenti. */
  readonly areaTierBoundsCenti: readonly Centi[];
  /** Ages 25/23 are reached on or before this date. */
  readonly ageCutoffDate: IsoDate;
  /** Local hukou registered on or before this date. */
  readonly hukouCutoffDate: IsoDate;
  /** A home given up after this date still counts. */
  readonly transferCutoffDate: IsoDate;
}

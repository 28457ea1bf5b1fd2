import type { IsoDate } from '../dates';
import type { CampaignRules } from './campaign-rules';

interface MonthDay {
  readonly month: number;
  readonly day: number;
  /** Relative to the survey year. */
  readonly yearOffset: number;
}

/**
 * The values of the county notice. The notice redacts its years ("20*年"), so
 * dates are month and day relative to the survey year. The hukou cut-off is
 * Dec 31 of the year BEFORE the survey: a cut-off after the window closes would
 * require nothing (a choice; the campaign sets the real date).
 */
export const NOTICE_DEFAULTS = Object.freeze({
  areaLimitCenti: 1000,
  incomeCoefficients: Object.freeze([30, 40, 50, 60, 70, 80, 90, 100]),
  areaTierBoundsCenti: Object.freeze([500, 600, 700, 800, 900, 1000]),
  ageCutoff: { month: 8, day: 31, yearOffset: 0 } satisfies MonthDay,
  hukouCutoff: { month: 12, day: 31, yearOffset: -1 } satisfies MonthDay,
  transferCutoff: { month: 8, day: 31, yearOffset: 0 } satisfies MonthDay,
  opensOn: { month: 9, day: 1, yearOffset: 0 } satisfies MonthDay,
  closesOn: { month: 10, day: 26, yearOffset: 0 } satisfies MonthDay,
  reportDueOn: { month: 10, day: 28, yearOffset: 0 } satisfies MonthDay,
  reviewWorkingDays: Object.freeze({ community: 5, town: 10, bureau: 15 }),
  noticeDays: 5,
});

function onYear(surveyYear: number, { month, day, yearOffset }: MonthDay): IsoDate {
  const pad = (n: number, width: number): string => String(n).padStart(width, '0');
  return `${pad(surveyYear + yearOffset, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

export interface NoticeDates {
  readonly ageCutoffDate: IsoDate;
  readonly hukouCutoffDate: IsoDate;
  readonly transferCutoffDate: IsoDate;
  readonly opensOn: IsoDate;
  readonly closesOn: IsoDate;
  readonly reportDueOn: IsoDate;
}

export function noticeDates(surveyYear: number): NoticeDates {
  const d = NOTICE_DEFAULTS;
  return {
    ageCutoffDate: onYear(surveyYear, d.ageCutoff),
    hukouCutoffDate: onYear(surveyYear, d.hukouCutoff),
    transferCutoffDate: onYear(surveyYear, d.transferCutoff),
    opensOn: onYear(surveyYear, d.opensOn),
    closesOn: onYear(surveyYear, d.closesOn),
    reportDueOn: onYear(surveyYear, d.reportDueOn),
  };
}

/** The notice's rules for a survey year; the reference income is the county's figure. */
export function noticeRules(surveyYear: number, referenceIncomeFen: number): CampaignRules {
  const dates = noticeDates(surveyYear);
  return {
    referenceIncomeFen,
    areaLimitCenti: NOTICE_DEFAULTS.areaLimitCenti,
    incomeCoefficients: NOTICE_DEFAULTS.incomeCoefficients,
    areaTierBoundsCenti: NOTICE_DEFAULTS.areaTierBoundsCenti,
    ageCutoffDate: dates.ageCutoffDate,
    hukouCutoffDate: dates.hukouCutoffDate,
    transferCutoffDate: dates.transferCutoffDate,
  };
}

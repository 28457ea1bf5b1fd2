import { compareDates, isIsoDate, IsoDate, WorkingCalendar, yearOf } from '@app/calendar';
import { ErrorDetail, toHundredths } from '@app/http';
import { Campaign } from './campaign.entity';
import { CreateCampaignDto } from './campaign.dto';

/** The notice's own values (调查公告), used for whatever the administrator leaves out. */
export const NOTICE_DEFAULTS = {
  areaLimit: 10,
  incomeCoefficients: [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
  areaTierBounds: [5, 6, 7, 8, 9, 10],
  ageCutoff: '08-31',
  hukouCutoff: '12-31',
  transferCutoff: '08-31',
  opens: '09-01',
  closes: '10-26',
  reportDue: '10-28',
  reviewDays: { community: 5, town: 10, bureau: 15 },
  noticeDays: 5,
} as const;

export type CampaignParameters = Omit<
  Campaign,
  'id' | 'name' | 'countyId' | 'createdBy' | 'createdAt'
>;

/** Fills the notice's defaults (dates in `year`) and converts to exact integers. */
export function withDefaults(dto: CreateCampaignDto, year: number): CampaignParameters {
  const d = NOTICE_DEFAULTS;
  const inYear = (monthDay: string): IsoDate => `${year}-${monthDay}`;
  const reviewDays = dto.reviewDays ?? d.reviewDays;
  return {
    referenceIncomeFen: toHundredths(dto.referenceIncome),
    areaLimitCenti: toHundredths(dto.areaLimit ?? d.areaLimit),
    incomeCoefficients: (dto.incomeCoefficients ?? d.incomeCoefficients).map(toHundredths),
    areaTierBoundsCenti: (dto.areaTierBounds ?? d.areaTierBounds).map(toHundredths),
    ageCutoffDate: dto.ageCutoffDate ?? inYear(d.ageCutoff),
    hukouCutoffDate: dto.hukouCutoffDate ?? inYear(d.hukouCutoff),
    transferCutoffDate: dto.transferCutoffDate ?? inYear(d.transferCutoff),
    opensOn: dto.opensOn ?? inYear(d.opens),
    closesOn: dto.closesOn ?? inYear(d.closes),
    reportDueOn: dto.reportDueOn ?? inYear(d.reportDue),
    reviewDaysCommunity: reviewDays.community,
    reviewDaysTown: reviewDays.town,
    reviewDaysBureau: reviewDays.bureau,
    noticeDays: dto.noticeDays ?? d.noticeDays,
  };
}

/** Every rule the parameters break, at once (an empty list when they are sound). */
export function checkParameters(p: CampaignParameters, calendar: WorkingCalendar): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const add = (code: string, field: string, message: string): void => {
    problems.push({ code, field, message });
  };

  const dates = {
    ageCutoffDate: p.ageCutoffDate,
    hukouCutoffDate: p.hukouCutoffDate,
    transferCutoffDate: p.transferCutoffDate,
    opensOn: p.opensOn,
    closesOn: p.closesOn,
    reportDueOn: p.reportDueOn,
  };
  const badDates = Object.entries(dates).filter(([, v]) => !isIsoDate(v));
  for (const [field, value] of badDates) add('INVALID_DATE', field, `${value} is not a date`);

  if (!strictlyIncreasing(p.incomeCoefficients)) {
    add(
      'COEFFICIENTS_NOT_INCREASING',
      'incomeCoefficients',
      'Income coefficients must strictly increase',
    );
  } else if (p.incomeCoefficients.at(-1) !== 100) {
    // Eligibility stops at 1.0 × the reference income; the tiers must reach it.
    add(
      'COEFFICIENTS_MUST_END_AT_ONE',
      'incomeCoefficients',
      'The last income coefficient must be 1.0',
    );
  }
  if (!strictlyIncreasing(p.areaTierBoundsCenti)) {
    add('AREA_TIERS_NOT_INCREASING', 'areaTierBounds', 'Area tier bounds must strictly increase');
  } else if (p.areaTierBoundsCenti.at(-1) !== p.areaLimitCenti) {
    add(
      'AREA_TIERS_MUST_END_AT_LIMIT',
      'areaTierBounds',
      'The last area tier bound must equal the area limit',
    );
  }
  if (badDates.length > 0) return problems;

  if (compareDates(p.opensOn, p.closesOn) > 0) {
    add('DATES_OUT_OF_ORDER', 'closesOn', 'The window must open on or before it closes');
  }
  if (compareDates(p.closesOn, p.reportDueOn) > 0) {
    add('DATES_OUT_OF_ORDER', 'reportDueOn', 'The report is due on or after the window closes');
  }
  for (const field of ['opensOn', 'closesOn', 'reportDueOn'] as const) {
    const year = yearOf(p[field]);
    if (!calendar.knowsYear(year)) {
      add(
        'CALENDAR_DATA_MISSING',
        field,
        `The working-day calendar has no official data for ${year}`,
      );
    }
  }
  return problems;
}

function strictlyIncreasing(values: number[]): boolean {
  return values.every((v, i) => i === 0 || v > values[i - 1]);
}

import { compareDates, isIsoDate, WorkingCalendar, yearOf } from '@app/calendar';
import {
  noticeDates,
  NOTICE_DEFAULTS,
  parseCoefficientToHundredths,
  parseSquareMetresToCenti,
  parseYuanToFen,
  UnitResult,
  validateCampaignRules,
} from '@app/domain';
import { ErrorDetail } from '@app/http';
import { Campaign } from './campaign.entity';
import { CreateCampaignDto } from './campaign.dto';

/** The domain speaks in exact units; the client should read the field it sent. */
const REQUEST_FIELD: Partial<Record<string, string>> = {
  referenceIncomeFen: 'referenceIncome',
  areaLimitCenti: 'areaLimit',
  areaTierBoundsCenti: 'areaTierBounds',
};

export type CampaignParameters = Omit<
  Campaign,
  'id' | 'name' | 'countyId' | 'createdBy' | 'createdAt'
>;

/** The DTO has already been validated as two-decimal numbers; this only converts. */
function exact(result: UnitResult): number {
  if (!result.ok) throw new RangeError(result.error.message);
  return result.value;
}

/** Fills the notice's defaults (dates of the survey `year`) and converts to exact integers. */
export function withDefaults(dto: CreateCampaignDto, year: number): CampaignParameters {
  const d = NOTICE_DEFAULTS;
  const dates = noticeDates(year);
  const reviewDays = dto.reviewDays ?? d.reviewWorkingDays;
  return {
    referenceIncomeFen: exact(parseYuanToFen(dto.referenceIncome)),
    areaLimitCenti:
      dto.areaLimit === undefined
        ? d.areaLimitCenti
        : exact(parseSquareMetresToCenti(dto.areaLimit)),
    incomeCoefficients: dto.incomeCoefficients
      ? dto.incomeCoefficients.map((c) => exact(parseCoefficientToHundredths(c)))
      : [...d.incomeCoefficients],
    areaTierBoundsCenti: dto.areaTierBounds
      ? dto.areaTierBounds.map((b) => exact(parseSquareMetresToCenti(b)))
      : [...d.areaTierBoundsCenti],
    ageCutoffDate: dto.ageCutoffDate ?? dates.ageCutoffDate,
    hukouCutoffDate: dto.hukouCutoffDate ?? dates.hukouCutoffDate,
    transferCutoffDate: dto.transferCutoffDate ?? dates.transferCutoffDate,
    opensOn: dto.opensOn ?? dates.opensOn,
    closesOn: dto.closesOn ?? dates.closesOn,
    reportDueOn: dto.reportDueOn ?? dates.reportDueOn,
    reviewDaysCommunity: reviewDays.community,
    reviewDaysTown: reviewDays.town,
    reviewDaysBureau: reviewDays.bureau,
    noticeDays: dto.noticeDays ?? d.noticeDays,
  };
}

/**
 * Every rule the parameters break, at once: the domain's rules of eligibility
 * and tiers, then the campaign's own (its window in order, inside years the
 * working-day calendar knows).
 */
export function checkParameters(p: CampaignParameters, calendar: WorkingCalendar): ErrorDetail[] {
  const problems: ErrorDetail[] = validateCampaignRules(p).map(({ code, field, message }) => ({
    code,
    field: REQUEST_FIELD[field] ?? field,
    message,
  }));
  const window = { opensOn: p.opensOn, closesOn: p.closesOn, reportDueOn: p.reportDueOn };
  const badDates = Object.entries(window).filter(([, v]) => !isIsoDate(v));
  for (const [field, value] of badDates) {
    problems.push({ code: 'RULES_DATE', field, message: `${value} is not a date` });
  }
  if (badDates.length > 0) return problems;

  if (compareDates(p.opensOn, p.closesOn) > 0) {
    problems.push({
      code: 'DATES_OUT_OF_ORDER',
      field: 'closesOn',
      message: '受理截止日期不能早于开始日期',
    });
  }
  if (compareDates(p.closesOn, p.reportDueOn) > 0) {
    problems.push({
      code: 'DATES_OUT_OF_ORDER',
      field: 'reportDueOn',
      message: '上报日期不能早于受理截止日期',
    });
  }
  for (const field of ['opensOn', 'closesOn', 'reportDueOn'] as const) {
    const year = yearOf(p[field]);
    if (!calendar.knowsYear(year)) {
      problems.push({
        code: 'CALENDAR_DATA_MISSING',
        field,
        message: `工作日历没有 ${year} 年的官方数据`,
      });
    }
  }
  return problems;
}

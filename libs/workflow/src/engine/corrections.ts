import {
  centiToSquareMetres,
  fenToYuan,
  parseSquareMetresToCenti,
  parseYuanToFen,
} from '@app/domain';
import type { JsonValue } from '@app/domain';
import type { StoredHousehold } from '@app/applications';
import type { CorrectionsPayload } from '@app/queue';
import { refusal, TransitionRefused } from './outcome';

export interface AppliedCorrections {
  household: StoredHousehold;
  /** Before and after of each corrected figure, for the history entry. */
  record: JsonValue[];
}

/**
 * A reviewer's corrections of declared incomes and areas after investigating.
 * Every figure must name a member or property of this household.
 */
export function applyCorrections(
  household: StoredHousehold,
  corrections: CorrectionsPayload,
): AppliedCorrections {
  let { members, properties } = household;
  const record: JsonValue[] = [];
  for (const c of corrections.members ?? []) {
    const member = members.find((m) => m.idNumber === c.idNumber);
    if (!member)
      throw unknownTarget('UNKNOWN_MEMBER', `${c.idNumber} is not a member of this household`);
    if (c.annualIncome === undefined) continue;
    const after = parseYuanToFen(c.annualIncome);
    if (!after.ok) throw unknownTarget('INVALID_MONEY', after.error.message);
    record.push({
      field: 'annualIncome',
      memberIdNumber: c.idNumber,
      before: fenToYuan(member.annualIncomeFen),
      after: fenToYuan(after.value),
    });
    members = members.map((m) => (m === member ? { ...m, annualIncomeFen: after.value } : m));
  }
  for (const c of corrections.properties ?? []) {
    const property = properties.find((p) => p.id === c.id);
    if (!property)
      throw unknownTarget('UNKNOWN_PROPERTY', `${c.id} is not a property of this application`);
    if (c.area === undefined) continue;
    const after = parseSquareMetresToCenti(c.area);
    if (!after.ok) throw unknownTarget('INVALID_AREA', after.error.message);
    record.push({
      field: 'area',
      propertyId: c.id,
      before: centiToSquareMetres(property.areaCenti),
      after: centiToSquareMetres(after.value),
    });
    properties = properties.map((p) => (p === property ? { ...p, areaCenti: after.value } : p));
  }
  return { household: { members: [...members], properties: [...properties] }, record };
}

function unknownTarget(code: string, message: string): TransitionRefused {
  return new TransitionRefused(refusal(422, code, message));
}

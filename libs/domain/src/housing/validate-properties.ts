import { isIsoDate } from '../dates';
import type { InputError } from '../shared';
import { isValidCenti, MAX_AREA_SQUARE_METRES } from '../units';
import type { PropertyDeclaration } from './property';

function propertyErrors(
  property: PropertyDeclaration,
  path: string,
  memberIdNumbers: ReadonlySet<string>,
): InputError[] {
  const errors: InputError[] = [];
  const push = (code: InputError['code'], field: string, message: string) =>
    errors.push({ code, message, path: `${path}.${field}`, propertyId: property.id });

  if (!isValidCenti(property.areaCenti) || property.areaCenti === 0) {
    push(
      'INVALID_AREA',
      'areaCenti',
      `建筑面积应大于 0、不超过 ${MAX_AREA_SQUARE_METRES} 平方米,最多两位小数`,
    );
  }
  if (!memberIdNumbers.has(property.ownerIdNumber)) {
    push('PROPERTY_OWNER_NOT_MEMBER', 'ownerIdNumber', '房屋所有人(使用人)应为本家庭成员');
  }
  const hasDate = property.transferredOn != null;
  const hasReason = property.transferReason != null;
  if (hasDate && !isIsoDate(property.transferredOn)) {
    push('INVALID_DATE', 'transferredOn', '转移日期应为真实的 YYYY-MM-DD');
  }
  if (hasDate !== hasReason) {
    push(
      'PROPERTY_TRANSFER_INCOMPLETE',
      hasDate ? 'transferReason' : 'transferredOn',
      '已转移的房屋须同时填写转移日期和转移原因',
    );
  }
  return errors;
}

/** Every structural problem with the declared properties. */
export function validateProperties(
  properties: readonly PropertyDeclaration[],
  memberIdNumbers: ReadonlySet<string>,
): InputError[] {
  const seen = new Set<string>();
  return properties.flatMap((property, i) => {
    const path = `properties[${i}]`;
    const errors = propertyErrors(property, path, memberIdNumbers);
    if (seen.has(property.id)) {
      errors.push({
        code: 'DUPLICATE_PROPERTY_ID',
        message: '房屋编号重复',
        path: `${path}.id`,
        propertyId: property.id,
      });
    }
    seen.add(property.id);
    return errors;
  });
}

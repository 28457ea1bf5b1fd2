import type { IsoDate } from '../dates';
import type { EligibilityReason } from '../shared';

export interface MemberHukou {
  readonly name: string;
  readonly idNumber: string;
  readonly hukouCommunityId: string;
  readonly hukouSince: IsoDate;
}

/**
 * Every member holds local urban permanent hukou: registered in one of the
 * county's (urban) communities, on or before the hukou cut-off date. A member
 * whose hukou is not local gets only HUKOU_NOT_LOCAL: the date of a hukou
 * elsewhere says nothing about the local one.
 */
export function hukouReasons(
  members: readonly MemberHukou[],
  hukouCutoffDate: IsoDate,
  countyCommunityIds: ReadonlySet<string>,
): EligibilityReason[] {
  return members.flatMap((member): EligibilityReason[] => {
    if (!countyCommunityIds.has(member.hukouCommunityId)) {
      return [
        {
          code: 'HUKOU_NOT_LOCAL',
          message: `${member.name}:不是本县城镇常住户口`,
          memberIdNumber: member.idNumber,
        },
      ];
    }
    if (member.hukouSince > hukouCutoffDate) {
      return [
        {
          code: 'HUKOU_TOO_LATE',
          message: `${member.name}:本县城镇户口登记于 ${member.hukouSince},晚于 ${hukouCutoffDate}`,
          memberIdNumber: member.idNumber,
        },
      ];
    }
    return [];
  });
}

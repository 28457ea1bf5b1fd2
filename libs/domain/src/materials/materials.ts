import type { HouseholdDeclaration, MemberDeclaration } from '../household';
import type { PropertyDeclaration } from '../housing';
import { INCOME_PROOF_BY_SOURCE, type MaterialType } from './material-types';

export interface MaterialRequirement {
  readonly type: MaterialType;
  readonly memberIdNumber?: string;
  readonly propertyId?: string;
}

/** A material on file (an uploaded document), as the API stores it. */
export interface ProvidedMaterial {
  readonly type: string;
  readonly memberIdNumber?: string | null;
  readonly propertyId?: string | null;
}

/** What the checklist reads from a declaration; well-formedness is not needed. */
export type MaterialsDeclaration = Pick<HouseholdDeclaration, 'communityId'> & {
  readonly members: readonly Pick<
    MemberDeclaration,
    'idNumber' | 'relation' | 'maritalStatus' | 'hukouCommunityId' | 'incomeSource'
  >[];
  readonly properties: readonly Pick<PropertyDeclaration, 'id'>[];
};

type DeclaredMember = MaterialsDeclaration['members'][number];

function memberMaterials(member: DeclaredMember): MaterialRequirement[] {
  const memberIdNumber = member.idNumber;
  const income = INCOME_PROOF_BY_SOURCE[member.incomeSource];
  return [
    { type: 'hukou_identity_proof', memberIdNumber },
    ...(income ? [{ type: income, memberIdNumber }] : []),
  ];
}

/**
 * Marriage proof follows the applicant's status: a marriage certificate when
 * married or a spouse is listed; a divorce certificate, plus the custody
 * document when children are included; the spouse's death certificate when
 * widowed. An unmarried applicant's status is on the hukou register.
 */
function marriageMaterials(members: readonly DeclaredMember[]): MaterialRequirement[] {
  const applicant = members.find((m) => m.relation === 'applicant');
  const hasSpouse = members.some((m) => m.relation === 'spouse');
  const hasChildren = members.some((m) => m.relation === 'child');
  const status = applicant?.maritalStatus;
  const materials: MaterialRequirement[] = [];
  if (status === 'married' || hasSpouse) materials.push({ type: 'marriage_certificate' });
  if (status === 'divorced') materials.push({ type: 'divorce_certificate' });
  if (status === 'divorced' && hasChildren) materials.push({ type: 'custody_document' });
  if (status === 'widowed') materials.push({ type: 'spouse_death_certificate' });
  return materials;
}

/** A member registered in another community needs that community's certificate of their housing there. */
function hukouHousingMaterials(declaration: MaterialsDeclaration): MaterialRequirement[] {
  return declaration.members
    .filter((m) => m.hukouCommunityId !== declaration.communityId)
    .map((m) => ({ type: 'hukou_housing_certificate', memberIdNumber: m.idNumber }));
}

/** The checklist (申报材料) that follows from what the household declares. */
export function requiredMaterials(declaration: MaterialsDeclaration): MaterialRequirement[] {
  return [
    { type: 'survey_form' },
    ...declaration.members.flatMap(memberMaterials),
    ...marriageMaterials(declaration.members),
    ...declaration.properties.map((p): MaterialRequirement => ({
      type: 'housing_proof',
      propertyId: p.id,
    })),
    ...hukouHousingMaterials(declaration),
  ];
}

function satisfies(provided: ProvidedMaterial, required: MaterialRequirement): boolean {
  return (
    provided.type === required.type &&
    (required.memberIdNumber === undefined ||
      provided.memberIdNumber === required.memberIdNumber) &&
    (required.propertyId === undefined || provided.propertyId === required.propertyId)
  );
}

/**
 * The requirements no provided material satisfies. A material satisfies a
 * requirement of its type when it names the same member and property as the
 * requirement does; a household-level requirement (survey form, marriage
 * proof) is met by any material of its type.
 */
export function missingMaterials(
  required: readonly MaterialRequirement[],
  provided: readonly ProvidedMaterial[],
): MaterialRequirement[] {
  return required.filter((r) => !provided.some((p) => satisfies(p, r)));
}

import type { IsoDate } from '../dates';
import type { PropertyDeclaration } from '../housing';
import type { ResidentIdentity, Sex } from '../identity-number';
import type { IncomeSource } from '../income';
import type { Fen } from '../units';

export const RELATIONS = ['applicant', 'spouse', 'child'] as const;
export type Relation = (typeof RELATIONS)[number];

export const MARITAL_STATUSES = ['unmarried', 'married', 'divorced', 'widowed'] as const;
export type MaritalStatus = (typeof MARITAL_STATUSES)[number];

/** One member as declared on the survey form (money in fen, dates 'YYYY-MM-DD'). */
export interface MemberDeclaration {
  readonly name: string;
  readonly idNumber: string;
  readonly relation: Relation;
  readonly maritalStatus: MaritalStatus;
  readonly hukouCommunityId: string;
  /** The date the member's current hukou was registered. */
  readonly hukouSince: IsoDate;
  readonly incomeSource: IncomeSource;
  readonly annualIncomeFen: Fen;
  /** Optional; when given, must agree with the ID number. */
  readonly declaredSex?: Sex;
  readonly declaredBirthDate?: IsoDate;
}

export interface HouseholdDeclaration {
  /** The community where the household lives and applies. */
  readonly communityId: string;
  readonly members: readonly MemberDeclaration[];
  readonly properties: readonly PropertyDeclaration[];
}

/** A member whose declaration is well-formed, with what the ID number says. */
export interface Member extends MemberDeclaration {
  readonly identity: ResidentIdentity;
}

/** A well-formed household: at least one member, every member valid, unique IDs. */
export interface Household {
  readonly communityId: string;
  readonly members: readonly Member[];
  readonly properties: readonly PropertyDeclaration[];
}

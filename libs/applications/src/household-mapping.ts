import { randomUUID } from 'node:crypto';
import {
  centiToSquareMetres,
  fenToYuan,
  MemberDeclaration,
  parseSquareMetresToCenti,
  parseYuanToFen,
  PropertyDeclaration,
  UnitResult,
} from '@app/domain';
import { StoredHousehold } from './application.entity';
import { ApplicationBodyDto, MemberDto, PropertyDto } from './dto/household.dto';

/** The DTO was validated as two-decimal numbers already; this only converts. */
function exact(result: UnitResult): number {
  if (!result.ok) throw new RangeError(result.error.message);
  return result.value;
}

/**
 * The declaration in the domain's units. A property keeps its id when it is
 * one the application already has (materials refer to it): the body names the
 * id, or, naming none (the contract's body has no id), it declares the same
 * home (kind, owner, address) as one of them. Each existing id is kept at most once, named
 * ids first; every other property gets a new id.
 */
export function toStoredHousehold(
  body: ApplicationBodyDto,
  existing: readonly PropertyDeclaration[],
): StoredHousehold {
  const unclaimed = new Map(existing.map((p) => [p.id, p]));
  const named = body.properties.map((p) => {
    if (!p.id || !unclaimed.has(p.id)) return undefined;
    unclaimed.delete(p.id);
    return p.id;
  });
  const sameHome = (p: PropertyDto): string | undefined => {
    for (const old of unclaimed.values()) {
      if (
        old.kind === p.kind &&
        old.ownerIdNumber === p.ownerIdNumber &&
        old.address === p.address
      ) {
        unclaimed.delete(old.id);
        return old.id;
      }
    }
    return undefined;
  };
  return {
    members: body.members.map(toMember),
    // An id the application does not have names no home of it: a new one.
    properties: body.properties.map((p, i) =>
      toProperty(p, named[i] ?? (p.id ? undefined : sameHome(p)) ?? randomUUID()),
    ),
  };
}

function toMember(m: MemberDto): MemberDeclaration {
  return {
    name: m.name,
    idNumber: m.idNumber,
    relation: m.relation,
    maritalStatus: m.maritalStatus,
    hukouCommunityId: m.hukouCommunityId,
    hukouSince: m.hukouSince,
    incomeSource: m.incomeSource,
    annualIncomeFen: exact(parseYuanToFen(m.annualIncome)),
  };
}

function toProperty(p: PropertyDto, id: string): PropertyDeclaration {
  return {
    id,
    kind: p.kind,
    ownerIdNumber: p.ownerIdNumber,
    address: p.address,
    areaCenti: exact(parseSquareMetresToCenti(p.area)),
    transferredOn: p.transferredOn ?? null,
    transferReason: p.transferReason ?? null,
  };
}

/** Members as the API shows them: yuan, plus what the ID number says. */
export function memberView(m: MemberDeclaration, identity?: { sex: string; birthDate: string }) {
  return {
    name: m.name,
    idNumber: m.idNumber,
    relation: m.relation,
    maritalStatus: m.maritalStatus,
    hukouCommunityId: m.hukouCommunityId,
    hukouSince: m.hukouSince,
    incomeSource: m.incomeSource,
    annualIncome: fenToYuan(m.annualIncomeFen),
    sex: identity?.sex ?? null,
    birthDate: identity?.birthDate ?? null,
  };
}

export function propertyView(p: PropertyDeclaration, counted: boolean | null) {
  return {
    id: p.id,
    kind: p.kind,
    ownerIdNumber: p.ownerIdNumber,
    address: p.address,
    area: centiToSquareMetres(p.areaCenti),
    transferredOn: p.transferredOn ?? null,
    transferReason: p.transferReason ?? null,
    counted,
  };
}

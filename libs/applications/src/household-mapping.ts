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
 * id, or, naming none (the contract's body has no id), it declares one of
 * them again. Each existing id is kept at most once: named ids first, then
 * declarations identical to an existing property, then the same home (kind,
 * owner, address) with other figures (an area corrected), each in the body's
 * order. An id the application does not have gets a new one, as does every
 * other property.
 */
export function toStoredHousehold(
  body: ApplicationBodyDto,
  existing: readonly PropertyDeclaration[],
): StoredHousehold {
  const properties = body.properties.map((p) => toProperty(p, ''));
  const ids: (string | undefined)[] = body.properties.map(() => undefined);
  const unclaimed = new Map(existing.map((p) => [p.id, p]));
  body.properties.forEach((p, i) => {
    if (p.id && unclaimed.delete(p.id)) ids[i] = p.id;
  });
  const claim = (same: (a: PropertyDeclaration, b: PropertyDeclaration) => boolean) =>
    properties.forEach((declared, i) => {
      if (ids[i] || body.properties[i].id) return;
      const match = [...unclaimed.values()].find((old) => same(old, declared));
      if (match) {
        unclaimed.delete(match.id);
        ids[i] = match.id;
      }
    });
  claim((a, b) => sameHome(a, b) && sameFigures(a, b));
  claim(sameHome);
  return {
    members: body.members.map(toMember),
    properties: properties.map((p, i) => ({ ...p, id: ids[i] ?? randomUUID() })),
  };
}

const sameHome = (a: PropertyDeclaration, b: PropertyDeclaration): boolean =>
  a.kind === b.kind && a.ownerIdNumber === b.ownerIdNumber && a.address === b.address;

const sameFigures = (a: PropertyDeclaration, b: PropertyDeclaration): boolean =>
  a.areaCenti === b.areaCenti &&
  a.transferredOn === b.transferredOn &&
  a.transferReason === b.transferReason;

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

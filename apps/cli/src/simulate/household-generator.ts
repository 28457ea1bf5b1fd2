import { addDays, compareDates, IsoDate } from '@app/calendar';
import {
  IncomeSource,
  MaritalStatus,
  PropertyKind,
  Relation,
  residentIdCheckCharacter,
  TransferReason,
} from '@app/domain';
import { Random } from './random';

/** What the generator needs to know of the campaign (exact units, as the domain keeps them). */
export interface CampaignFacts {
  referenceIncomeFen: number;
  areaLimitCenti: number;
  /** Hundredths, ascending: 30 … 100. */
  incomeCoefficients: readonly number[];
  /** 0.01 m², ascending: 500 … 1000. */
  areaTierBoundsCenti: readonly number[];
  ageCutoffDate: IsoDate;
  hukouCutoffDate: IsoDate;
  transferCutoffDate: IsoDate;
}

export interface CommunityRef {
  id: string;
  name: string;
}

export type IneligibleBy = 'income' | 'area' | 'hukou' | null;

export interface GeneratedMember {
  name: string;
  idNumber: string;
  relation: Relation;
  maritalStatus: MaritalStatus;
  hukouCommunityId: string;
  hukouSince: IsoDate;
  incomeSource: IncomeSource;
  annualIncomeFen: number;
  sex: 'male' | 'female';
  birthDate: IsoDate;
}

export interface GeneratedProperty {
  kind: PropertyKind;
  ownerIdNumber: string;
  address: string;
  areaCenti: number;
  transferredOn?: IsoDate;
  transferReason?: TransferReason;
  /** Whether the rules count it (the generator's own reading, checked against the service's). */
  counted: boolean;
}

export interface GeneratedHousehold {
  index: number;
  communityId: string;
  members: GeneratedMember[];
  properties: GeneratedProperty[];
  /** Why the household was made ineligible, or null for an eligible one. */
  ineligibleBy: IneligibleBy;
  phone: string;
  /**
   * An adult unmarried child who is also listed in the parents' household and
   * applies alone: the index of the parents' household (the second live
   * application with that person is refused).
   */
  sharesMemberWith: number | null;
}

/** Shares of the generated county; each is a weight, not a percentage that must add up. */
export const HOUSEHOLD_MIX = {
  size: [
    [1, 15],
    [2, 24],
    [3, 36],
    [4, 18],
    [5, 7],
  ] as [number, number][],
  ineligible: [
    ['none', 92],
    ['income', 4],
    ['area', 3],
    ['hukou', 1],
  ] as ['none' | 'income' | 'area' | 'hukou', number][],
  /** Eligible households by income tier (coefficient in hundredths). */
  incomeTier: [
    [30, 22],
    [40, 15],
    [50, 14],
    [60, 13],
    [70, 11],
    [80, 10],
    [90, 8],
    [100, 7],
  ] as [number, number][],
  /** Housed eligible households by area tier (bound in 0.01 m²); 'none' is drawn first. */
  noHousing: 0.22,
  areaTier: [
    [500, 26],
    [600, 14],
    [700, 14],
    [800, 14],
    [900, 14],
    [1000, 18],
  ] as [number, number][],
  secondHome: 0.15,
  nonResidential: 0.05,
  soldBeforeCutoff: 0.03,
  hukouElsewhere: 0.08,
  adultChildAppliesAlone: 0.02,
};

const SURNAMES = [
  '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡',
  '郭', '何', '林', '高', '罗', '郑', '梁', '谢', '宋', '唐', '许', '邓', '冯', '韩', '曹',
  '欧阳', '司马',
]; // prettier-ignore
const GIVEN = [
  '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛',
  '明', '超', '秀', '霞', '平', '刚', '桂', '英', '华', '文', '建', '国', '红', '玉', '兰',
]; // prettier-ignore
const ROADS = ['人民路', '胜利路', '建设路', '解放路', '新华路', '中山路', '青年路', '城南路'];

/**
 * Valid, unique resident ID numbers of 进贤县 (360124): one sequence counter per
 * birth date and sex (odd 17th digit male), the check character of GB 11643.
 */
export class ResidentIdFactory {
  private readonly used = new Map<string, number>();

  next(birthDate: IsoDate, sex: 'male' | 'female'): { idNumber: string; birthDate: IsoDate } {
    let date = birthDate;
    for (;;) {
      const key = `${date}${sex}`;
      const k = this.used.get(key) ?? 0;
      if (k < 500) {
        this.used.set(key, k + 1);
        const sequence = String(2 * k + (sex === 'male' ? 1 : 0)).padStart(3, '0');
        const first17 = `360124${date.replaceAll('-', '')}${sequence}`;
        return { idNumber: first17 + residentIdCheckCharacter(first17), birthDate: date };
      }
      date = addDays(date, 1);
    }
  }
}

interface Person {
  relation: Relation;
  maritalStatus: MaritalStatus;
  sex: 'male' | 'female';
  age: number;
}

/** Who lives together: a couple and their unmarried children, or one adult with their children. */
function composition(rng: Random, size: number): Person[] {
  const sex = (): 'male' | 'female' => (rng.chance(0.5) ? 'male' : 'female');
  const other = (s: 'male' | 'female') => (s === 'male' ? 'female' : 'male');
  if (size === 1) {
    const status = rng.weighted<MaritalStatus>([
      ['unmarried', 50],
      ['divorced', 25],
      ['widowed', 25],
    ]);
    const age = status === 'unmarried' ? rng.int(26, 45) : status === 'divorced' ? rng.int(30, 62) : rng.int(45, 82); // prettier-ignore
    return [{ relation: 'applicant', maritalStatus: status, sex: sex(), age }];
  }
  const couple = size === 2 ? rng.chance(0.55) : rng.chance(0.75);
  const applicantSex = sex();
  const children = size - (couple ? 2 : 1);
  const age = children > 0 ? rng.int(28, 62) : rng.int(24, 80);
  const people: Person[] = [
    {
      relation: 'applicant',
      maritalStatus: couple ? 'married' : rng.chance(0.55) ? 'divorced' : 'widowed',
      sex: applicantSex,
      age,
    },
  ];
  if (couple) {
    const spouseAge = Math.max(20, age + rng.int(-5, 5));
    people.push({
      relation: 'spouse',
      maritalStatus: 'married',
      sex: other(applicantSex),
      age: spouseAge,
    });
  }
  for (let i = 0; i < children; i++) {
    const childAge = Math.max(1, Math.min(age - rng.int(22, 38), 34));
    people.push({ relation: 'child', maritalStatus: 'unmarried', sex: sex(), age: childAge });
  }
  return people;
}

function birthDateFor(rng: Random, age: number, ageCutoffDate: IsoDate): IsoDate {
  // Born between (age + 1) years and age years before the cut-off: exactly `age` on that day.
  const year = Number(ageCutoffDate.slice(0, 4)) - age - 1;
  return addDays(`${year}${ageCutoffDate.slice(4)}`, rng.int(1, 364));
}

function incomeSourceFor(rng: Random, person: Person, poor: boolean): IncomeSource {
  if (person.age < 18) return 'none';
  if (person.relation === 'child' && person.age <= 22 && rng.chance(0.6)) return 'none';
  if (person.age >= 60)
    return rng.weighted<IncomeSource>([
      ['retired', 75],
      ['dibao', 10],
      ['none', 15],
    ]);
  return rng.weighted<IncomeSource>([
    ['employed', 45],
    ['employed_elsewhere', 8],
    ['business', 8],
    ['freelance', 12],
    ['unemployed', 9],
    ['dibao', poor ? 30 : 4],
  ]);
}

/** Splits `total` into integer shares by random weights; the last takes the remainder. */
export function splitInteger(rng: Random, total: number, parts: number): number[] {
  if (parts <= 0) return [];
  const weights = Array.from({ length: parts }, () => 0.5 + rng.next());
  const sum = weights.reduce((a, b) => a + b, 0);
  const shares = weights.map((w) => Math.floor((total * w) / sum));
  shares[parts - 1] = total - shares.slice(0, -1).reduce((a, b) => a + b, 0);
  return shares;
}

/** The household's per-capita income in fen: inside a drawn tier, or above the reference. */
function perCapitaIncomeFen(rng: Random, facts: CampaignFacts, ineligible: boolean): number {
  const ref = facts.referenceIncomeFen;
  if (ineligible) return Math.floor((ref * rng.int(1_010, 1_600)) / 1000);
  const tier = rng.weighted(HOUSEHOLD_MIX.incomeTier);
  const index = facts.incomeCoefficients.indexOf(tier);
  const low = index > 0 ? facts.incomeCoefficients[index - 1] : 0;
  // Strictly above the tier below, at most the tier's bound: (low, tier] × ref.
  const lowFen = Math.floor((ref * low) / 100) + 1;
  const highFen = Math.floor((ref * tier) / 100);
  return rng.int(Math.min(lowFen, highFen), highFen);
}

function countedAreaCenti(
  rng: Random,
  facts: CampaignFacts,
  persons: number,
  ineligible: boolean,
): number {
  if (ineligible) return persons * rng.int(facts.areaLimitCenti + 1, 2 * facts.areaLimitCenti);
  if (rng.chance(HOUSEHOLD_MIX.noHousing)) return 0;
  const bound = rng.weighted(HOUSEHOLD_MIX.areaTier);
  const index = facts.areaTierBoundsCenti.indexOf(bound);
  const low = index > 0 ? facts.areaTierBoundsCenti[index - 1] : 0;
  // Per capita in (low, bound] (at least 2 m² each): total in (low × persons, bound × persons].
  return rng.int(Math.max(low * persons + 1, 200 * persons), bound * persons);
}

function name(rng: Random, surname: string): string {
  return surname + rng.pick(GIVEN) + (rng.chance(0.7) ? rng.pick(GIVEN) : '');
}

function address(rng: Random, community: CommunityRef): string {
  return `${community.name}${rng.pick(ROADS)}${rng.int(1, 300)}号${rng.int(1, 20)}栋${rng.int(101, 1802)}室`;
}

const MS_PER_DAY = 86_400_000;

/** Days from `from` to `to` (ISO dates parse as UTC midnight: no local time involved). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / MS_PER_DAY);
}

function dateBetween(rng: Random, from: IsoDate, to: IsoDate): IsoDate {
  return addDays(from, rng.int(0, Math.max(0, daysBetween(from, to))));
}

function hukouSince(rng: Random, birthDate: IsoDate, facts: CampaignFacts): IsoDate {
  const adult = addDays(birthDate, 16 * 365);
  const from = compareDates(adult, '1995-01-01') > 0 ? adult : '1995-01-01';
  const latest = addDays(facts.hukouCutoffDate, -30);
  if (compareDates(from, latest) >= 0) return addDays(birthDate, rng.int(0, 60));
  return dateBetween(rng, from, latest);
}

function properties(
  rng: Random,
  facts: CampaignFacts,
  community: CommunityRef,
  owners: string[],
  countedCenti: number,
): GeneratedProperty[] {
  const owner = () => rng.pick(owners);
  const homeKind = () =>
    rng.weighted<PropertyKind>([
      ['private', 45],
      ['public_rental', 30],
      ['contracted', 10],
      ['private_rural', 7],
      ['other', 8],
    ]);
  const list: GeneratedProperty[] = [];
  if (countedCenti > 0) {
    const homes = countedCenti >= 2000 && rng.chance(HOUSEHOLD_MIX.secondHome) ? 2 : 1;
    for (const area of splitInteger(rng, countedCenti, homes)) {
      list.push({
        kind: homeKind(),
        ownerIdNumber: owner(),
        address: address(rng, community),
        areaCenti: area,
        counted: true,
      });
    }
  }
  if (rng.chance(HOUSEHOLD_MIX.nonResidential)) {
    list.push({
      kind: 'non_residential',
      ownerIdNumber: owner(),
      address: `${address(rng, community)}(商铺)`,
      areaCenti: rng.int(800, 4000),
      counted: false,
    });
  }
  if (rng.chance(HOUSEHOLD_MIX.soldBeforeCutoff)) {
    list.push({
      kind: 'private',
      ownerIdNumber: owner(),
      address: address(rng, community),
      areaCenti: rng.int(4000, 9000),
      transferredOn: addDays(facts.transferCutoffDate, -rng.int(2, 900)),
      transferReason: rng.pick<TransferReason>(['sale', 'gift', 'divorce', 'debt']),
      counted: false,
    });
  }
  return list;
}

/**
 * Generates the county's households: sizes, compositions, incomes by source,
 * homes and hukou spread as HOUSEHOLD_MIX says, about 8% ineligible (income or
 * area above the limit, hukou registered too late), and a few adult children
 * who also apply alone (a second live application of one person).
 */
export class HouseholdGenerator {
  private readonly ids = new ResidentIdFactory();
  private readonly pendingSolos: { parent: number; member: GeneratedMember }[] = [];
  private index = 0;

  constructor(
    private readonly rng: Random,
    private readonly facts: CampaignFacts,
    private readonly communities: readonly CommunityRef[],
  ) {
    if (communities.length === 0) throw new RangeError('no community');
  }

  next(): GeneratedHousehold {
    const solo = this.pendingSolos.shift();
    return solo ? this.soloOf(solo.parent, solo.member) : this.family();
  }

  private family(): GeneratedHousehold {
    const { rng, facts } = this;
    const index = this.index++;
    const community = rng.pick(this.communities);
    const drawn = rng.weighted(HOUSEHOLD_MIX.ineligible);
    const ineligibleBy: IneligibleBy = drawn === 'none' ? null : drawn;
    const people = composition(rng, rng.weighted(HOUSEHOLD_MIX.size));
    const persons = people.length;
    const perCapita = perCapitaIncomeFen(rng, facts, ineligibleBy === 'income');
    const surname = rng.pick(SURNAMES);
    const hukouElsewhere = rng.chance(HOUSEHOLD_MIX.hukouElsewhere);
    const hukouCommunity = hukouElsewhere ? rng.pick(this.communities) : community;
    const members = people.map((p): GeneratedMember => {
      const { idNumber, birthDate } = this.ids.next(
        birthDateFor(rng, p.age, facts.ageCutoffDate),
        p.sex,
      );
      return {
        name: name(rng, p.relation === 'spouse' ? rng.pick(SURNAMES) : surname),
        idNumber,
        relation: p.relation,
        maritalStatus: p.maritalStatus,
        hukouCommunityId: hukouCommunity.id,
        hukouSince: hukouSince(rng, birthDate, facts),
        incomeSource: incomeSourceFor(rng, p, perCapita < facts.referenceIncomeFen * 0.3),
        annualIncomeFen: 0,
        sex: p.sex,
        birthDate,
      };
    });
    this.spreadIncome(members, perCapita * persons);
    if (ineligibleBy === 'hukou') {
      const late = rng.pick(members);
      late.hukouSince = addDays(facts.hukouCutoffDate, rng.int(10, 200));
    }
    const owners = members.filter((m) => m.relation !== 'child').map((m) => m.idNumber);
    const area = countedAreaCenti(rng, facts, persons, ineligibleBy === 'area');
    const household: GeneratedHousehold = {
      index,
      communityId: community.id,
      members,
      properties: properties(rng, facts, community, owners, area),
      ineligibleBy,
      phone: `1${rng.pick(['38', '39', '50', '58', '86', '87'])}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`,
      sharesMemberWith: null,
    };
    const adultChild = members.find(
      (m) => m.relation === 'child' && ageOn(m.birthDate, facts.ageCutoffDate) >= 26,
    );
    if (adultChild && ineligibleBy === null && rng.chance(HOUSEHOLD_MIX.adultChildAppliesAlone))
      this.pendingSolos.push({ parent: index, member: adultChild });
    return household;
  }

  /** The adult child applying alone, as declared in the parents' household. */
  private soloOf(parent: number, member: GeneratedMember): GeneratedHousehold {
    const index = this.index++;
    const community = this.communities.find((c) => c.id === member.hukouCommunityId);
    return {
      index,
      communityId: community?.id ?? member.hukouCommunityId,
      members: [{ ...member, relation: 'applicant' }],
      properties: [],
      ineligibleBy: member.annualIncomeFen > this.facts.referenceIncomeFen ? 'income' : null,
      phone: `139${String(this.rng.int(0, 99_999_999)).padStart(8, '0')}`,
      sharesMemberWith: parent,
    };
  }

  /** Household income spread over its earners; one with no earner gets an allowance or freelance income. */
  private spreadIncome(members: GeneratedMember[], totalFen: number): void {
    let earners = members.filter((m) => m.incomeSource !== 'none');
    if (earners.length === 0 && totalFen > 0) {
      const applicant = members[0];
      applicant.incomeSource = totalFen < this.facts.referenceIncomeFen * 0.3 ? 'dibao' : 'freelance'; // prettier-ignore
      earners = [applicant];
    }
    splitInteger(this.rng, totalFen, earners.length).forEach((fen, i) => {
      earners[i].annualIncomeFen = fen;
    });
  }
}

/** Whole years of age on `on`. */
export function ageOn(birthDate: IsoDate, on: IsoDate): number {
  const years = Number(on.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return on.slice(5) >= birthDate.slice(5) ? years : years - 1;
}

/** The household as POST /api/applications takes it (yuan and m², at most two decimals). */
export function applicationBody(h: GeneratedHousehold, campaignId: string) {
  return {
    campaignId,
    communityId: h.communityId,
    members: h.members.map((m) => ({
      name: m.name,
      idNumber: m.idNumber,
      relation: m.relation,
      maritalStatus: m.maritalStatus,
      hukouCommunityId: m.hukouCommunityId,
      hukouSince: m.hukouSince,
      incomeSource: m.incomeSource,
      annualIncome: m.annualIncomeFen / 100,
    })),
    properties: h.properties.map((p) => ({
      kind: p.kind,
      ownerIdNumber: p.ownerIdNumber,
      address: p.address,
      area: p.areaCenti / 100,
      ...(p.transferredOn
        ? { transferredOn: p.transferredOn, transferReason: p.transferReason }
        : {}),
    })),
  };
}

/** The generator's own figures: household income and counted area, before any reviewer's correction. */
export function declaredFigures(h: GeneratedHousehold): {
  persons: number;
  householdIncomeFen: number;
  countedAreaCenti: number;
} {
  return {
    persons: h.members.length,
    householdIncomeFen: h.members.reduce((s, m) => s + m.annualIncomeFen, 0),
    countedAreaCenti: h.properties.filter((p) => p.counted).reduce((s, p) => s + p.areaCenti, 0),
  };
}

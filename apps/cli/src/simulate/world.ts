import { INestApplicationContext, Type } from '@nestjs/common';
import { AuthUser, CreateStaffDto, StaffRole, UsersService } from '@app/access';
import { Campaign, CampaignsService, CreateCampaignDto } from '@app/campaigns';
import { noticeDates } from '@app/domain';
import { createValidationPipe } from '@app/http';
import { CreateRegionDto, Region, RegionsService } from '@app/regions';
import { runLimited } from './pool';

/** 进贤县's towns (the real list); a simulated county takes the first few. */
const TOWN_NAMES = [
  '民和镇', '李渡镇', '温圳镇', '文港镇', '前坊镇', '罗溪镇', '架桥镇', '梅庄镇', '张公镇', '钟陵乡',
]; // prettier-ignore
const COMMUNITY_NAMES = [
  '城南', '城北', '中山', '建设', '胜利', '新华', '人民', '幸福', '和平', '光明', '向阳', '东风',
]; // prettier-ignore
const SURNAMES = [
  '赵',
  '钱',
  '孙',
  '李',
  '周',
  '吴',
  '郑',
  '王',
  '冯',
  '陈',
  '褚',
  '卫',
  '蒋',
  '沈',
];
const GIVEN = ['建国', '秀英', '志强', '丽华', '国平', '海燕', '德明', '春梅', '玉兰', '文军'];

/** The simulated reviewers share one password: hashed once per account, never used to log in. */
const REVIEWER_PASSWORD = 'sim-reviewer-password';
export const REFERENCE_INCOME_YUAN = 43_000;

export interface CommunitySeat {
  region: Region;
  town: Region;
  reviewer: AuthUser;
}

export interface World {
  county: Region;
  towns: { region: Region; reviewer: AuthUser }[];
  communities: CommunitySeat[];
  bureau: AuthUser;
  campaign: Campaign;
}

/** Towns and communities for a county of `households`: about 400-800 households per community. */
export function countyShape(households: number): { towns: number; communitiesPerTown: number } {
  const towns = Math.max(2, Math.min(TOWN_NAMES.length, Math.round(Math.sqrt(households / 100))));
  const communitiesPerTown = Math.max(
    2,
    Math.min(COMMUNITY_NAMES.length, Math.ceil(households / (towns * 800))),
  );
  return { towns, communitiesPerTown };
}

/** Validates a body exactly as the API's global pipe does (unknown fields refused, every rule). */
export async function validated<T extends object>(metatype: Type<T>, body: object): Promise<T> {
  return (await createValidationPipe().transform(body, { type: 'body', metatype })) as T;
}

/**
 * The county through the services the admin API calls: regions, one reviewer
 * per community and town and one at the bureau (scrypt, once per account), and
 * the campaign with the notice's dates of `year`.
 */
export async function createWorld(
  app: INestApplicationContext,
  households: number,
  year: number,
): Promise<World> {
  const regions = app.get(RegionsService);
  const users = app.get(UsersService);
  const region = async (dto: CreateRegionDto) =>
    regions.create(await validated(CreateRegionDto, dto));
  const shape = countyShape(households);

  const county = await region({ code: '360124', name: '进贤县', level: 'county' });
  const townRegions: Region[] = [];
  const communityRegions: { region: Region; town: Region }[] = [];
  for (let t = 0; t < shape.towns; t++) {
    const town = await region({
      code: `360124${100 + t}`,
      name: TOWN_NAMES[t],
      level: 'town',
      parentId: county.id,
    });
    townRegions.push(town);
    for (let c = 0; c < shape.communitiesPerTown; c++) {
      const community = await region({
        code: `360124${100 + t}${String(c + 1).padStart(3, '0')}`,
        name: `${TOWN_NAMES[t].slice(0, 2)}${COMMUNITY_NAMES[c]}社区`,
        level: 'community',
        parentId: town.id,
      });
      communityRegions.push({ region: community, town });
    }
  }

  let serial = 0;
  const staff = async (role: StaffRole, regionId: string): Promise<AuthUser> => {
    const n = serial++;
    const dto = await validated(CreateStaffDto, {
      username: `sim-${role.split('_')[0]}-${n}`,
      password: REVIEWER_PASSWORD,
      name: `${SURNAMES[n % SURNAMES.length]}${GIVEN[Math.floor(n / SURNAMES.length) % GIVEN.length]}${n >= SURNAMES.length * GIVEN.length ? n : ''}`,
      role,
      regionId,
    });
    const view = await users.createStaff(dto);
    const user = await users.findActiveAuthUser(view.id);
    if (!user) throw new Error(`reviewer ${view.username} not found after creation`);
    return user;
  };
  const seats: (() => Promise<void>)[] = [];
  const towns: World['towns'] = [];
  const communities: CommunitySeat[] = [];
  let bureau: AuthUser | undefined;
  seats.push(async () => {
    bureau = await staff('bureau_reviewer', county.id);
  });
  for (const town of townRegions)
    seats.push(async () => {
      towns.push({ region: town, reviewer: await staff('town_reviewer', town.id) });
    });
  for (const c of communityRegions)
    seats.push(async () => {
      communities.push({ ...c, reviewer: await staff('community_reviewer', c.region.id) });
    });
  // scrypt runs on libuv's pool: a few at once use both cores.
  await runLimited(seats, 4, (seat) => seat());

  const campaigns = app.get(CampaignsService);
  const dto = await validated(CreateCampaignDto, {
    name: `${year}年县城城镇低收入住房困难家庭摸底调查（模拟）`,
    countyId: county.id,
    referenceIncome: REFERENCE_INCOME_YUAN,
    ...noticeDates(year),
  });
  const view = await campaigns.create(dto, null);
  communities.sort((a, b) => a.region.code.localeCompare(b.region.code));
  towns.sort((a, b) => a.region.code.localeCompare(b.region.code));
  return {
    county,
    towns,
    communities,
    bureau: bureau!,
    campaign: await campaigns.require(view.id),
  };
}

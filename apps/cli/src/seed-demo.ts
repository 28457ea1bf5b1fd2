import { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthService, StaffRole, UsersService } from '@app/access';
import { CampaignsService } from '@app/campaigns';
import { Region, RegionsService } from '@app/regions';
import {
  DEMO_APPLICANT,
  DEMO_CAMPAIGN,
  DEMO_CLOCK_START,
  DEMO_PASSWORD,
  DEMO_REGIONS,
} from './demo-data';

/** Idempotent: running it again finds what it made before and adds nothing. */
export async function seedDemo(app: INestApplicationContext): Promise<string[]> {
  const db = app.get(DataSource);
  const regions = app.get(RegionsService);
  const users = app.get(UsersService);

  await db.query(`INSERT INTO manual_clock (id, now) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`, [
    DEMO_CLOCK_START,
  ]);

  const region = async (level: Region['level'], code: string, name: string, parentId?: string) =>
    (await db.getRepository(Region).findOneBy({ code })) ??
    regions.create({ code, name, level, parentId });

  const county = await region('county', DEMO_REGIONS.county.code, DEMO_REGIONS.county.name);
  const town = await region('town', DEMO_REGIONS.town.code, DEMO_REGIONS.town.name, county.id);
  const communities: Region[] = [];
  for (const c of DEMO_REGIONS.communities)
    communities.push(await region('community', c.code, c.name, town.id));

  const staff: { username: string; name: string; role: StaffRole; regionId: string }[] = [
    { username: 'admin', name: '管理员', role: 'admin', regionId: county.id },
    { username: 'bureau', name: '李房管', role: 'bureau_reviewer', regionId: county.id },
    { username: 'town', name: '王镇长', role: 'town_reviewer', regionId: town.id },
    {
      username: 'community',
      name: '赵社区',
      role: 'community_reviewer',
      regionId: communities[0].id,
    },
  ];
  for (const s of staff) {
    if (!(await users.findForLogin(s.username)))
      await users.createStaff({ ...s, password: DEMO_PASSWORD });
  }
  if (!(await users.findForLogin(DEMO_APPLICANT.username))) {
    await app.get(AuthService).register({ ...DEMO_APPLICANT, password: DEMO_PASSWORD }, undefined);
  }

  const campaigns = app.get(CampaignsService);
  const existing = (await campaigns.list()).find((c) => c.name === DEMO_CAMPAIGN.name);
  const campaign =
    existing ?? (await campaigns.create({ ...DEMO_CAMPAIGN, countyId: county.id }, null));

  return [
    `county ${county.name} (${county.id}), town ${town.name}, communities ${communities.map((c) => c.name).join(', ')}`,
    `campaign ${campaign.name} (${campaign.id}), window ${campaign.opensOn} – ${campaign.closesOn}`,
    ...[...staff, { ...DEMO_APPLICANT, role: 'applicant' }].map(
      (s) => `account ${s.username.padEnd(10)} role ${s.role.padEnd(19)} password ${DEMO_PASSWORD}`,
    ),
  ];
}

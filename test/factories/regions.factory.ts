import { TestApp } from '../support/test-app';

export interface RegionTree {
  countyId: string;
  towns: { id: string; communities: string[] }[];
}

let serial = 0;
const code = (): string => `T${Date.now().toString(36)}${(serial++).toString(36)}`;

async function createRegion(
  t: TestApp,
  token: string,
  body: { name: string; level: string; parentId?: string },
): Promise<string> {
  const res = await t
    .http()
    .post('/api/regions')
    .set('authorization', `Bearer ${token}`)
    .send({ code: code(), ...body })
    .expect(201);
  return (res.body as { id: string }).id;
}

/** A county with `towns` towns of `communitiesPerTown` communities each, made through the API. */
export async function createRegionTree(
  t: TestApp,
  adminToken: string,
  towns = 2,
  communitiesPerTown = 2,
): Promise<RegionTree> {
  const countyId = await createRegion(t, adminToken, { name: '进贤县', level: 'county' });
  const tree: RegionTree = { countyId, towns: [] };
  for (let i = 0; i < towns; i++) {
    const id = await createRegion(t, adminToken, {
      name: `镇${i}`,
      level: 'town',
      parentId: countyId,
    });
    const communities: string[] = [];
    for (let j = 0; j < communitiesPerTown; j++) {
      communities.push(
        await createRegion(t, adminToken, {
          name: `社区${i}-${j}`,
          level: 'community',
          parentId: id,
        }),
      );
    }
    tree.towns.push({ id, communities });
  }
  return tree;
}

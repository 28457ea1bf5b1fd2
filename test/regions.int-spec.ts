import { registerApplicant } from './factories/applicants.factory';
import { createRegionTree, RegionTree } from './factories/regions.factory';
import { createStaff } from './factories/users.factory';
import {
  adminToken,
  bearer,
  createTestApp,
  expectError,
  resetDatabase,
  TestApp,
  withoutRowChanges,
} from './support/test-app';

const REGIONS = ['regions'];
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

interface RegionNode {
  id: string;
  code: string;
  name: string;
  level: string;
  children: RegionNode[];
}

describe('regions', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await resetDatabase(t);
    admin = await adminToken(t);
  });

  const postRegion = (body: Record<string, unknown>, token = admin) =>
    t.http().post('/api/regions').set(bearer(token)).send(body);

  async function create(body: Record<string, unknown>): Promise<RegionNode> {
    return (await postRegion(body).expect(201)).body as RegionNode;
  }

  /** A node as the tree shows it. */
  const node = (r: RegionNode, children: RegionNode[] = []): RegionNode => ({ ...r, children });

  describe('POST /api/regions and GET /api/regions', () => {
    it('builds county → towns → communities and returns them as one nested tree', async () => {
      const county = await create({ code: '360124', name: '进贤县', level: 'county' });
      expect(county).toEqual({
        id: expect.any(String),
        code: '360124',
        name: '进贤县',
        level: 'county',
        children: [],
      });
      // Created out of code order: the tree is ordered by code at every level.
      const wenGang = await create({
        code: '360124102',
        name: '文港镇',
        level: 'town',
        parentId: county.id,
      });
      const minHe = await create({
        code: '360124101',
        name: '民和镇',
        level: 'town',
        parentId: county.id,
      });
      const c2 = await create({
        code: '360124101002',
        name: '钟陵社区',
        level: 'community',
        parentId: minHe.id,
      });
      const c1 = await create({
        code: '360124101001',
        name: '城东社区',
        level: 'community',
        parentId: minHe.id,
      });
      const c3 = await create({
        code: '360124102001',
        name: '文港社区',
        level: 'community',
        parentId: wenGang.id,
      });

      const applicant = await registerApplicant(t);
      for (const token of [admin, applicant.token]) {
        const res = await t.http().get('/api/regions').set(bearer(token)).expect(200);
        expect(res.body).toEqual([
          node(county, [node(minHe, [node(c1), node(c2)]), node(wenGang, [node(c3)])]),
        ]);
      }
    });

    it('answers 401 to GET without a token', async () => {
      expectError(await t.http().get('/api/regions'), 401, 'UNAUTHENTICATED');
    });

    describe('refusals leave the regions table unchanged', () => {
      let tree: RegionTree;
      beforeEach(async () => {
        tree = await createRegionTree(t, admin, 1, 1);
      });

      const parentCases: [string, () => Record<string, unknown>][] = [
        ['a town without a parent', () => ({ level: 'town' })],
        [
          'a town whose parent is a community',
          () => ({ level: 'town', parentId: tree.towns[0].communities[0] }),
        ],
        ['a town whose parent is a town', () => ({ level: 'town', parentId: tree.towns[0].id })],
        ['a town whose parent does not exist', () => ({ level: 'town', parentId: UNKNOWN_ID })],
        ['a community without a parent', () => ({ level: 'community' })],
        [
          'a community whose parent is the county',
          () => ({ level: 'community', parentId: tree.countyId }),
        ],
        ['a county with a parent', () => ({ level: 'county', parentId: tree.countyId })],
      ];
      it.each(parentCases)('refuses %s with 422 INVALID_PARENT', async (_what, body) => {
        const res = await withoutRowChanges(t, REGIONS, () =>
          postRegion({ code: 'NEW-1', name: '新区', ...body() }),
        );
        expectError(res, 422, 'INVALID_PARENT');
      });

      it('refuses a code that is taken with 409 REGION_CODE_TAKEN', async () => {
        await create({ code: 'DUP-1', name: '甲镇', level: 'town', parentId: tree.countyId });
        const res = await withoutRowChanges(t, REGIONS, () =>
          postRegion({ code: 'DUP-1', name: '乙镇', level: 'town', parentId: tree.countyId }),
        );
        expectError(res, 409, 'REGION_CODE_TAKEN');
      });

      it('answers concurrent requests for one code with one 201 and otherwise 409 REGION_CODE_TAKEN', async () => {
        // The race between the existence check and the insert shows only now and then: several rounds.
        for (let round = 0; round < 5; round++) {
          const body = {
            code: `RACE-${round}`,
            name: '并发镇',
            level: 'town',
            parentId: tree.countyId,
          };
          const answers = await Promise.all(Array.from({ length: 20 }, () => postRegion(body)));
          expect(answers.filter((r) => r.status === 201)).toHaveLength(1);
          for (const res of answers.filter((r) => r.status !== 201)) {
            expectError(res, 409, 'REGION_CODE_TAKEN');
          }
        }
      });

      it('refuses an applicant and a bureau reviewer with 403 FORBIDDEN', async () => {
        const applicant = await registerApplicant(t);
        const bureau = await createStaff(t, admin, 'bureau_reviewer', tree.countyId);
        for (const token of [applicant.token, bureau.token]) {
          const res = await withoutRowChanges(t, REGIONS, () =>
            postRegion(
              { code: 'NEW-2', name: '新镇', level: 'town', parentId: tree.countyId },
              token,
            ),
          );
          expectError(res, 403, 'FORBIDDEN');
        }
      });

      it.each([
        ['an unknown level', { level: 'province' }, 'level'],
        ['a code with spaces', { code: 'A B' }, 'code'],
        ['an unknown field', { population: 1000 }, 'population'],
      ])('refuses %s with 400 VALIDATION_FAILED', async (_what, override, field) => {
        const res = await withoutRowChanges(t, REGIONS, () =>
          postRegion({
            code: 'NEW-3',
            name: '新镇',
            level: 'town',
            parentId: tree.countyId,
            ...override,
          }),
        );
        expect(expectError(res, 400, 'VALIDATION_FAILED')).toContainEqual(
          expect.objectContaining({ field }),
        );
      });
    });
  });

  describe('POST /api/regions by an administrator bound to a county', () => {
    let tree: RegionTree;
    let other: RegionTree;
    let countyAdmin: string;
    beforeEach(async () => {
      tree = await createRegionTree(t, admin, 1, 1);
      other = await createRegionTree(t, admin, 1, 1);
      countyAdmin = (await createStaff(t, admin, 'admin', tree.countyId)).token;
    });

    it('adds towns and communities inside its county (201)', async () => {
      const town = await postRegion(
        { code: 'IN-1', name: '新镇', level: 'town', parentId: tree.countyId },
        countyAdmin,
      ).expect(201);
      await postRegion(
        { code: 'IN-2', name: '新社区', level: 'community', parentId: town.body.id },
        countyAdmin,
      ).expect(201);
    });

    it('answers 404 NOT_FOUND for a parent in another county, adding nothing', async () => {
      for (const body of [
        { level: 'town', parentId: other.countyId },
        { level: 'community', parentId: other.towns[0].id },
      ]) {
        const res = await withoutRowChanges(t, REGIONS, () =>
          postRegion({ code: 'OUT-1', name: '外区', ...body }, countyAdmin),
        );
        expectError(res, 404, 'NOT_FOUND');
      }
    });

    it('refuses a new county with 403 FORBIDDEN, adding nothing', async () => {
      const res = await withoutRowChanges(t, REGIONS, () =>
        postRegion({ code: 'OUT-2', name: '新县', level: 'county' }, countyAdmin),
      );
      expectError(res, 403, 'FORBIDDEN');
    });
  });

  describe('GET /api/regions/:id', () => {
    let tree: RegionTree;
    let other: RegionTree;
    beforeEach(async () => {
      tree = await createRegionTree(t, admin, 2, 2);
      other = await createRegionTree(t, admin, 1, 1);
    });

    const get = (id: string, token: string) =>
      t.http().get(`/api/regions/${id}`).set(bearer(token));

    async function expectVisible(token: string, id: string): Promise<RegionNode> {
      const res = await get(id, token).expect(200);
      expect(res.body.id).toBe(id);
      return res.body as RegionNode;
    }

    async function expectAbsent(token: string, id: string): Promise<void> {
      expectError(await get(id, token), 404, 'NOT_FOUND');
    }

    it('shows a community reviewer their community and nothing around it', async () => {
      const [mine, sibling] = tree.towns[0].communities;
      const reviewer = await createStaff(t, admin, 'community_reviewer', mine);

      expect(await expectVisible(reviewer.token, mine)).toMatchObject({
        level: 'community',
        children: [],
      });
      await expectAbsent(reviewer.token, sibling);
      await expectAbsent(reviewer.token, tree.towns[0].id);
      await expectAbsent(reviewer.token, tree.towns[1].communities[0]);
      await expectAbsent(reviewer.token, tree.countyId);
    });

    it('shows a town reviewer their town with its communities, and not the other town', async () => {
      const town = tree.towns[0];
      const reviewer = await createStaff(t, admin, 'town_reviewer', town.id);

      const body = await expectVisible(reviewer.token, town.id);
      expect(body.children.map((c) => c.id).sort()).toEqual([...town.communities].sort());
      for (const community of town.communities) await expectVisible(reviewer.token, community);
      await expectAbsent(reviewer.token, tree.towns[1].id);
      await expectAbsent(reviewer.token, tree.towns[1].communities[0]);
      await expectAbsent(reviewer.token, tree.countyId);
    });

    it('shows a bureau reviewer everything in their county and nothing in another', async () => {
      const reviewer = await createStaff(t, admin, 'bureau_reviewer', tree.countyId);

      const county = await expectVisible(reviewer.token, tree.countyId);
      expect(county.children).toHaveLength(2);
      expect(county.children.flatMap((town) => town.children)).toHaveLength(4);
      for (const town of tree.towns) {
        await expectVisible(reviewer.token, town.id);
        for (const community of town.communities) await expectVisible(reviewer.token, community);
      }
      await expectAbsent(reviewer.token, other.countyId);
      await expectAbsent(reviewer.token, other.towns[0].communities[0]);
    });

    it('shows the administrator every region of every county', async () => {
      for (const t0 of [tree, other]) {
        await expectVisible(admin, t0.countyId);
        for (const town of t0.towns) {
          await expectVisible(admin, town.id);
          for (const community of town.communities) await expectVisible(admin, community);
        }
      }
    });

    it('shows an administrator bound to a county only that county', async () => {
      const bound = await createStaff(t, admin, 'admin', tree.countyId);
      await expectVisible(bound.token, tree.towns[1].communities[1]);
      await expectAbsent(bound.token, other.countyId);
    });

    it('shows an applicant any region, to apply in', async () => {
      const applicant = await registerApplicant(t);
      await expectVisible(applicant.token, tree.towns[1].communities[1]);
      await expectVisible(applicant.token, other.countyId);
    });

    it('answers 404 for an unknown id', async () => {
      await expectAbsent(admin, UNKNOWN_ID);
    });

    it('answers 400 for an id that is not a UUID', async () => {
      expectError(await get('not-a-uuid', admin), 400, 'VALIDATION_FAILED');
    });

    it('answers 401 without a token', async () => {
      expectError(await t.http().get(`/api/regions/${tree.countyId}`), 401, 'UNAUTHENTICATED');
    });
  });
});

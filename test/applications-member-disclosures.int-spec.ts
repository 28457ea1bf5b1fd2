import {
  ApplicationBody,
  ApplicationView,
  createApplicant,
  createDraft,
  familyBody,
  getApplication,
  submittable,
} from './factories/applications.factory';
import { createCampaign } from './factories/campaigns.factory';
import { createRegionTree } from './factories/regions.factory';
import { createStaff } from './factories/users.factory';
import {
  adminToken,
  bearer,
  createTestApp,
  expectError,
  resetDatabase,
  TestApp,
} from './support/test-app';

/** Held members one account is told of per campaign, in these tests. */
const LIMIT = 2;

/**
 * A draft says which of its members another live application holds
 * (MEMBER_IN_OTHER_APPLICATION); since any ID number can be typed into a
 * draft, one applicant account is told of at most MEMBER_DISCLOSURE_LIMIT of
 * them in a campaign.
 */
describe('applications: held members an applicant is told of', () => {
  let t: TestApp;
  let admin: string;
  let campaignId: string;
  let otherCampaignId: string;
  let community: string;
  let reviewer: string;
  /** A family of three whose application is under review: all three are held. */
  let held: ApplicationBody;
  let prober: { token: string };

  beforeAll(async () => {
    t = await createTestApp({ MEMBER_DISCLOSURE_LIMIT: String(LIMIT) });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await resetDatabase(t);
    admin = await adminToken(t);
    const tree = await createRegionTree(t, admin, 1, 1);
    community = tree.towns[0].communities[0];
    campaignId = (await createCampaign(t, admin, tree.countyId)).id;
    otherCampaignId = (await createCampaign(t, admin, tree.countyId)).id;
    reviewer = (await createStaff(t, admin, 'community_reviewer', community)).token;
    const owner = await createApplicant(t);
    held = familyBody(campaignId, community);
    const live = await submittable(t, owner.token, held);
    await t.http().post(`/api/applications/${live.id}/submit`).set(bearer(owner.token)).expect(200);
    prober = await createApplicant(t);
  });

  const heldIn = (view: ApplicationView): string[] =>
    (view.eligibility.reasons as { code: string; memberIdNumber?: string }[])
      .filter((r) => r.code === 'MEMBER_IN_OTHER_APPLICATION')
      .map((r) => r.memberIdNumber ?? '?');
  const sorted = (ids: string[]) => [...ids].sort();
  const heldIds = () => sorted(held.members.map((m) => m.idNumber));
  const toldCount = async (): Promise<number> => {
    const [{ n }]: { n: number }[] = await t.db.query(
      `SELECT count(*)::int AS n FROM member_disclosures`,
    );
    return n;
  };

  it('tells the applicant of at most the limit of held members, the same ones on every read, and still refuses the submission', async () => {
    const draft = await submittable(t, prober.token, held);
    const told = heldIn(await getApplication(t, prober.token, draft.id));
    expect(sorted(told)).toEqual(heldIds().slice(0, LIMIT));
    expect(heldIn(draft)).toEqual(told);

    // The third is not named, however often the draft is read or written again.
    expect(heldIn(await getApplication(t, prober.token, draft.id))).toEqual(told);
    const rewritten = await t
      .http()
      .put(`/api/applications/${draft.id}`)
      .set(bearer(prober.token))
      .send(held)
      .expect(200);
    expect(heldIn(rewritten.body as ApplicationView)).toEqual(told);
    expect(await toldCount()).toBe(LIMIT);

    // The rule itself is not relaxed: the draft cannot be submitted.
    const submitted = await t
      .http()
      .post(`/api/applications/${draft.id}/submit`)
      .set(bearer(prober.token));
    expectError(submitted, 409, 'MEMBER_IN_OTHER_APPLICATION');
    // A reviewer is told of every one.
    const seen = await t
      .http()
      .get(`/api/applications/${draft.id}`)
      .set(bearer(reviewer))
      .expect(200);
    expect(sorted(heldIn(seen.body as ApplicationView))).toEqual(heldIds());
  });

  it('names a held member only in the draft that lists it, and never a new one past the limit', async () => {
    const [first, second, third] = held.members;
    const alone = (member: typeof first): ApplicationBody => ({
      ...held,
      members: [{ ...member, relation: 'applicant', maritalStatus: 'unmarried' }],
      properties: [],
    });
    // Two drafts, one member each, spend the limit.
    for (const member of [first, second]) {
      const draft = await createDraft(t, prober.token, alone(member));
      expect(heldIn(draft)).toEqual([member.idNumber]);
    }
    const thirdDraft = await createDraft(t, prober.token, alone(third));
    expect(heldIn(thirdDraft)).toEqual([]);
    expect(thirdDraft.eligibility.reasons.map((r) => r.code)).not.toContain(
      'MEMBER_IN_OTHER_APPLICATION',
    );
    // One already told is told again.
    expect(heldIn(await createDraft(t, prober.token, alone(first)))).toEqual([first.idNumber]);
    expect(await toldCount()).toBe(LIMIT);
  });

  it('holds each account and each campaign to a limit of its own', async () => {
    await createDraft(t, prober.token, held);
    const neighbour = await createApplicant(t);
    expect(heldIn(await createDraft(t, neighbour.token, held))).toHaveLength(LIMIT);

    // In another campaign the family holds no one: nothing to tell, nothing counted.
    const elsewhere = await createDraft(t, prober.token, { ...held, campaignId: otherCampaignId });
    expect(heldIn(elsewhere)).toEqual([]);
    const [{ n }]: { n: number }[] = await t.db.query(
      `SELECT count(*)::int AS n FROM member_disclosures WHERE campaign_id = $1`,
      [otherCampaignId],
    );
    expect(n).toBe(0);
    expect(await toldCount()).toBe(2 * LIMIT);
  });

  it('tells two reads at once no more than the limit between them', async () => {
    const a = await createDraft(t, prober.token, {
      ...held,
      members: [held.members[0]],
      properties: held.properties,
    });
    expect(heldIn(a)).toEqual([held.members[0].idNumber]);
    const [b, c] = await Promise.all([
      createDraft(t, prober.token, held),
      createDraft(t, prober.token, held),
    ]);
    expect(heldIn(b)).toEqual(heldIn(c));
    expect(heldIn(b)).toHaveLength(LIMIT);
    expect(await toldCount()).toBe(LIMIT);
  });
});

import {
  ApplicationView,
  createApplicant,
  createDraft,
  familyBody,
  getApplication as getApplicationAs,
  setClock,
  submittable,
} from '../factories/applications.factory';
import { createRegionTree, RegionTree } from '../factories/regions.factory';
import { createStaff } from '../factories/users.factory';
import { adminToken, TestApp } from './test-app';

export interface Reviewer {
  token: string;
  name: string;
}

export interface WorkflowWorld {
  admin: string;
  tree: RegionTree;
  campaignId: string;
  community: Reviewer;
  otherCommunity: Reviewer;
  town: Reviewer;
  bureau: Reviewer;
}

/** A county, a campaign for 2025 (reference income 20000) and one reviewer per level. */
export async function workflowWorld(t: TestApp): Promise<WorkflowWorld> {
  const admin = await adminToken(t);
  const tree = await createRegionTree(t, admin, 2, 2);
  const campaign = await t
    .http()
    .post('/api/campaigns')
    .set('authorization', `Bearer ${admin}`)
    .send({ name: '2025年摸底调查', countyId: tree.countyId, referenceIncome: 20000 })
    .expect(201);
  const reviewer = async (role: string, regionId: string, name: string): Promise<Reviewer> => ({
    token: (await createStaff(t, admin, role, regionId, name)).token,
    name,
  });
  return {
    admin,
    tree,
    campaignId: (campaign.body as { id: string }).id,
    community: await reviewer('community_reviewer', tree.towns[0].communities[0], '赵社区'),
    otherCommunity: await reviewer('community_reviewer', tree.towns[0].communities[1], '钱社区'),
    town: await reviewer('town_reviewer', tree.towns[0].id, '孙镇'),
    bureau: await reviewer('bureau_reviewer', tree.countyId, '李房管'),
  };
}

/** A new applicant's draft in the world's first community, no material uploaded; with the applicant's token. */
export async function draftIn(
  t: TestApp,
  world: WorkflowWorld,
): Promise<{ draft: ApplicationView; token: string }> {
  const { token } = await createApplicant(t);
  const body = familyBody(world.campaignId, world.tree.towns[0].communities[0]);
  return { draft: await createDraft(t, token, body), token };
}

/** Moves the manual clock (admin); it never goes back. */
export { setClock };

/** A draft in the world's first community with every material uploaded; returns its id and the applicant's token. */
export function readyDraft(
  t: TestApp,
  world: WorkflowWorld,
  overrides: { area?: number; income?: number } = {},
): Promise<{ id: string; token: string }> {
  const community = world.tree.towns[0].communities[0];
  return readyDraftOf(t, familyBody(world.campaignId, community, overrides));
}

export function decide(
  t: TestApp,
  reviewer: Reviewer,
  id: string,
  decision: 'approve' | 'reject' | 'return',
  extra: Record<string, unknown> = {},
) {
  return t
    .http()
    .post(`/api/applications/${id}/decisions`)
    .set('authorization', `Bearer ${reviewer.token}`)
    .send({ decision, opinion: '经调查核实', signature: reviewer.name, ...extra });
}

/** A household body as POST /api/applications takes it (familyBody's shape). */
export type HouseholdBody = ReturnType<typeof familyBody>;

/**
 * A draft of exactly `body` (so a test can reuse its members elsewhere) with
 * every material uploaded; a new applicant unless `token` is given.
 */
export async function readyDraftOf(
  t: TestApp,
  body: Record<string, unknown>,
  token?: string,
): Promise<{ id: string; token: string }> {
  const owner = token ?? (await createApplicant(t)).token;
  const draft = await submittable(t, owner, body);
  return { id: draft.id, token: owner };
}

/** POST …/submit as the applicant; awaiting it sends the request. */
export function submit(t: TestApp, id: string, token: string) {
  return t.http().post(`/api/applications/${id}/submit`).set('authorization', `Bearer ${token}`);
}

/** GET /api/applications/:id (200 expected), the id before the token. */
export async function getApplication(
  t: TestApp,
  id: string,
  token: string,
): Promise<Record<string, unknown> & { status: string; version: number }> {
  return getApplicationAs(t, token, id);
}

export interface HistoryItem {
  seq: number;
  type: string;
  from: string | null;
  to: string | null;
  actor: { id: string | null; name: string; role: string };
  opinion: string | null;
  signature: string | null;
  corrections: unknown;
  at: string;
  hash: string;
  prevHash: string;
}

/** GET …/history (200 expected). */
export async function historyOf(t: TestApp, id: string, token: string): Promise<HistoryItem[]> {
  const res = await t
    .http()
    .get(`/api/applications/${id}/history`)
    .set('authorization', `Bearer ${token}`);
  if (res.status !== 200) throw new Error(`history ${id}: ${res.status}`);
  return res.body as HistoryItem[];
}

/**
 * Drives applications that are all in community_review through the three
 * approvals and notices (as the journey test does): each level approves every
 * one, then the clock moves to the latest notice end. Ends with them approved.
 */
export async function approveThroughAllLevels(
  t: TestApp,
  world: WorkflowWorld,
  ids: string[],
): Promise<void> {
  for (const reviewer of [world.community, world.town, world.bureau]) {
    let end = '';
    for (const id of ids) {
      const res = await decide(t, reviewer, id, 'approve');
      if (res.status !== 200)
        throw new Error(`approve by ${reviewer.name}: ${res.status} ${JSON.stringify(res.body)}`);
      const endsAt = (res.body as { noticeEndsAt: string }).noticeEndsAt;
      if (new Date(endsAt) > new Date(end || 0)) end = endsAt;
    }
    await setClock(t, world.admin, end);
  }
}

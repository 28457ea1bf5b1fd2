import Redis from 'ioredis';
import type { Role } from '@app/access';
import { REDIS, RedisKeys } from '@app/redis';
import { APPLICANT_PASSWORD, registerApplicant } from '../../factories/applicants.factory';
import {
  ApplicationBody,
  createDraft,
  familyBody,
  uploadMaterial,
} from '../../factories/applications.factory';
import { createCampaign } from '../../factories/campaigns.factory';
import { createStaff } from '../../factories/users.factory';
import { adminToken, bearer, TestApp } from '../../support/test-app';
import { decide, readyDraftOf, submit } from '../../support/workflow-fixture';

/** Who calls: nobody (no token), or an account of one of the five roles. */
export type Caller = 'anonymous' | Role;
export const CALLERS: readonly Caller[] = [
  'anonymous',
  'applicant',
  'community_reviewer',
  'town_reviewer',
  'bureau_reviewer',
  'admin',
];
export const STAFF: readonly Role[] = [
  'community_reviewer',
  'town_reviewer',
  'bureau_reviewer',
  'admin',
];

export interface Account {
  id: string;
  token: string;
  username: string;
  name: string;
}

export interface Regions {
  countyA: string;
  townA1: string;
  /** Community A1a: the home of every "inside" resource, inside every county-A account's region. */
  a1a: string;
  a1b: string;
  townA2: string;
  a2a: string;
  countyB: string;
  townB1: string;
  b1a: string;
}

export interface Application {
  id: string;
  /** A material of it (the draft, the application in review, Q's applications). */
  materialId?: string;
}

/**
 * Two counties. County A: town A1 (communities A1a, A1b) and town A2 (A2a);
 * county B: town B1 (B1a). One account per role, all in county A:
 * a community reviewer of A1a, a town reviewer of A1, a bureau reviewer and an
 * administrator of county A, and applicant P. Everything "inside" lives in
 * A1a and belongs to P; each role's "outside" is the nearest place it must not
 * reach: a sibling community, a sibling town, the other county, or (for an
 * applicant) another household's application.
 */
export interface SecurityWorld {
  root: string;
  regions: Regions;
  campaignA: string;
  campaignB: string;
  accounts: Record<Role, Account>;
  /** Applicant Q, who owns the applications outside P's reach. */
  other: Account;
  /** A bureau reviewer of county B: an account outside county A. */
  outsider: Account;
  /** A community reviewer of A1a no test logs in as: the target of account changes. */
  spare: Account;
  /** P's draft in A1a with one material, and the body it was made from. */
  draft: Application & { body: ApplicationBody };
  /** P's application submitted in A1a: in community_review, with its materials. */
  review: Application & { husband: string; materialId: string };
  /** P's application approved by the community: under its community notice, with one objection. */
  notice: Application & { noticeId: string; objectionId: string };
  /**
   * Q's applications in A1b, A2a and B1a (campaign B), submitted: staff never
   * see a draft, so only a submitted one shows that a region outside theirs
   * is what hides it.
   */
  outside: { a1b: Application; a2a: Application; b1a: Application };
  /** A register export of each staff account (done), and one of the outsider. */
  exports: Record<string, string>;
}

const NAMES: Record<Role, string> = {
  applicant: '张申请',
  community_reviewer: '赵社区',
  town_reviewer: '孙镇',
  bureau_reviewer: '李房管',
  admin: '周管理',
};

let serial = 0;

async function region(
  t: TestApp,
  root: string,
  name: string,
  level: string,
  parentId?: string,
): Promise<string> {
  const res = await t
    .http()
    .post('/api/regions')
    .set(bearer(root))
    .send({ code: `SEC${process.pid}-${serial++}`, name, level, parentId })
    .expect(201);
  return (res.body as { id: string }).id;
}

async function regions(t: TestApp, root: string): Promise<Regions> {
  const countyA = await region(t, root, '甲县', 'county');
  const townA1 = await region(t, root, '甲一镇', 'town', countyA);
  const townA2 = await region(t, root, '甲二镇', 'town', countyA);
  const countyB = await region(t, root, '乙县', 'county');
  const townB1 = await region(t, root, '乙一镇', 'town', countyB);
  return {
    countyA,
    townA1,
    a1a: await region(t, root, '甲一社区', 'community', townA1),
    a1b: await region(t, root, '甲二社区', 'community', townA1),
    townA2,
    a2a: await region(t, root, '甲三社区', 'community', townA2),
    countyB,
    townB1,
    b1a: await region(t, root, '乙一社区', 'community', townB1),
  };
}

async function staff(
  t: TestApp,
  root: string,
  role: Role,
  regionId: string,
  name = NAMES[role],
): Promise<Account> {
  return { ...(await createStaff(t, root, role, regionId, name)), name };
}

async function applicant(t: TestApp): Promise<Account> {
  const account = await registerApplicant(t, { name: NAMES.applicant });
  return { ...account, name: NAMES.applicant };
}

/** A draft with one uploaded material. */
async function draftWithMaterial(
  t: TestApp,
  token: string,
  body: ApplicationBody,
): Promise<Application> {
  const draft = await createDraft(t, token, body);
  const material = await uploadMaterial(t, token, draft.id, { type: 'survey_form' });
  if (material.status !== 201) throw new Error(`material refused: ${material.status}`);
  return { id: draft.id, materialId: (material.body as { id: string }).id };
}

/** A ready draft submitted, with the id of one of its materials. */
async function submittedApplication(
  t: TestApp,
  token: string,
  body: ApplicationBody,
): Promise<Application> {
  const ready = await readyDraftOf(t, body, token);
  await expectOk(submit(t, ready.id, token), 'submit');
  return { id: ready.id, materialId: await aMaterialOf(t, ready.id) };
}

async function aMaterialOf(t: TestApp, applicationId: string): Promise<string> {
  const [{ id }]: { id: string }[] = await t.db.query(
    `SELECT id FROM materials WHERE application_id = $1 ORDER BY id LIMIT 1`,
    [applicationId],
  );
  return id;
}

/** Asks for a register export and waits until the worker has written it. */
async function doneExport(
  t: TestApp,
  token: string,
  query: { campaignId: string; regionId?: string },
): Promise<string> {
  const res = await t
    .http()
    .post('/api/statistics/register-exports')
    .set(bearer(token))
    .send({ ...query, format: 'csv' });
  if (res.status !== 202) throw new Error(`export refused: ${res.status} ${res.text}`);
  const id = (res.body as { id: string }).id;
  for (let i = 0; i < 100; i++) {
    const view = await t
      .http()
      .get(`/api/statistics/register-exports/${id}`)
      .set(bearer(token))
      .expect(200);
    if ((view.body as { status: string }).status === 'done') return id;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`export ${id} never finished`);
}

/** Builds the world through the API, as clients would (the database must have been reset). */
export async function securityWorld(t: TestApp): Promise<SecurityWorld> {
  const root = await adminToken(t);
  const r = await regions(t, root);
  const campaignA = (await createCampaign(t, root, r.countyA, { referenceIncome: 20000 })).id;
  const campaignB = (await createCampaign(t, root, r.countyB, { referenceIncome: 20000 })).id;
  const accounts: Record<Role, Account> = {
    applicant: await applicant(t),
    community_reviewer: await staff(t, root, 'community_reviewer', r.a1a),
    town_reviewer: await staff(t, root, 'town_reviewer', r.townA1),
    bureau_reviewer: await staff(t, root, 'bureau_reviewer', r.countyA),
    admin: await staff(t, root, 'admin', r.countyA),
  };
  const other = await applicant(t);
  const outsider = await staff(t, root, 'bureau_reviewer', r.countyB, '钱乙县');
  const spare = await staff(t, root, 'community_reviewer', r.a1a, '吴备用');
  const p = accounts.applicant.token;

  const draftBody = familyBody(campaignA, r.a1a);
  const draft = { ...(await draftWithMaterial(t, p, draftBody)), body: draftBody };

  const reviewBody = familyBody(campaignA, r.a1a);
  const review = await readyDraftOf(t, reviewBody, p);
  await expectOk(submit(t, review.id, p), 'submit');

  const notice = await readyDraftOf(t, familyBody(campaignA, r.a1a), p);
  await expectOk(submit(t, notice.id, p), 'submit');
  const cr = accounts.community_reviewer;
  await expectOk(decide(t, { token: cr.token, name: cr.name }, notice.id, 'approve'), 'approve');
  const [{ id: noticeId }]: { id: string }[] = await t.db.query(
    `SELECT id FROM notices WHERE application_id = $1 AND closed_at IS NULL`,
    [notice.id],
  );
  const objection = await t
    .http()
    .post(`/api/public/notices/${noticeId}/objections`)
    .send({ content: '该户另有住房' })
    .expect(201);

  const q = other.token;
  const outside = {
    a1b: await submittedApplication(t, q, familyBody(campaignA, r.a1b)),
    a2a: await submittedApplication(t, q, familyBody(campaignA, r.a2a)),
    b1a: await submittedApplication(t, q, familyBody(campaignB, r.b1a)),
  };

  const exportIds: Record<string, string> = {};
  for (const role of STAFF) {
    exportIds[role] = await doneExport(t, accounts[role].token, {
      campaignId: campaignA,
      regionId: r.a1a,
    });
  }
  exportIds.outsider = await doneExport(t, outsider.token, { campaignId: campaignB });

  return {
    root,
    regions: r,
    campaignA,
    campaignB,
    accounts,
    other,
    outsider,
    spare,
    draft,
    review: {
      id: review.id,
      husband: reviewBody.members[0].idNumber,
      materialId: await aMaterialOf(t, review.id),
    },
    notice: {
      id: notice.id,
      noticeId,
      objectionId: (objection.body as { objectionId: string }).objectionId,
    },
    outside,
    exports: exportIds,
  };
}

async function expectOk(request: PromiseLike<{ status: number; text: string }>, what: string) {
  const res = await request;
  if (res.status !== 200) throw new Error(`${what}: ${res.status} ${res.text}`);
}

/** The caller's token; none for anonymous. */
export function tokenOf(w: SecurityWorld, caller: Caller): string | undefined {
  return caller === 'anonymous' ? undefined : w.accounts[caller].token;
}

/** The region the caller acts in (A1a for those bound to none: the applicant, anonymous). */
export function ownRegion(w: SecurityWorld, caller: Caller): string {
  const r = w.regions;
  if (caller === 'town_reviewer') return r.townA1;
  if (caller === 'bureau_reviewer' || caller === 'admin') return r.countyA;
  return r.a1a;
}

/** The nearest region outside the caller's: a sibling community, a sibling town, the other county. */
export function outRegion(w: SecurityWorld, caller: Caller): string {
  const r = w.regions;
  if (caller === 'community_reviewer') return r.a1b;
  if (caller === 'town_reviewer') return r.townA2;
  return r.countyB;
}

/** The application nearest to the caller that it must not reach. */
export function outApplication(w: SecurityWorld, caller: Caller): Application {
  if (caller === 'applicant' || caller === 'community_reviewer') return w.outside.a1b;
  if (caller === 'town_reviewer') return w.outside.a2a;
  return w.outside.b1a;
}

/** The campaign of the caller's outside region. */
export function outCampaign(w: SecurityWorld, caller: Caller): string {
  return outRegion(w, caller) === w.regions.countyB ? w.campaignB : w.campaignA;
}

/** Rate-limit counters live in Redis, under this run's own prefix; tests that file many requests start afresh. */
export async function clearRateLimits(t: TestApp): Promise<void> {
  const redis = t.app.get<Redis>(REDIS);
  const pattern = t.app.get(RedisKeys).key('rate', '*');
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

export { APPLICANT_PASSWORD };

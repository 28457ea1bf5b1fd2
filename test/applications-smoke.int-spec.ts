import { createApplicant, familyBody, PDF } from './factories/applications.factory';
import { createRegionTree } from './factories/regions.factory';
import { adminToken, createTestApp, resetDatabase, TestApp } from './support/test-app';

describe('applications smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(() => resetDatabase(t));

  it('a family drafts, uploads every material, and submits', async () => {
    const admin = await adminToken(t);
    const tree = await createRegionTree(t, admin, 1, 1);
    const community = tree.towns[0].communities[0];
    const campaign = await t
      .http()
      .post('/api/campaigns')
      .set('authorization', `Bearer ${admin}`)
      .send({ name: 'c', countyId: tree.countyId, referenceIncome: 20000 })
      .expect(201);
    const { token } = await createApplicant(t);
    const auth = { authorization: `Bearer ${token}` };
    const created = await t
      .http()
      .post('/api/applications')
      .set(auth)
      .send(familyBody(campaign.body.id, community));
    expect(created.body).toMatchObject({ status: 'draft' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'draft',
      persons: 3,
      perCapitaArea: 10,
      areaTier: 10,
      incomeTier: 0.3,
    });
    expect(created.body.eligibility).toEqual({ eligible: true, reasons: [] });
    for (const m of created.body.missingMaterials) {
      const req = t
        .http()
        .post(`/api/applications/${created.body.id}/materials`)
        .set(auth)
        .field('type', m.type);
      if (m.memberIdNumber) req.field('memberIdNumber', m.memberIdNumber);
      if (m.propertyId) req.field('propertyId', m.propertyId);
      const up = await req.attach('file', PDF, 'x.pdf');
      expect(up.status).toBe(201);
    }
    await t
      .http()
      .post('/api/admin/clock')
      .set('authorization', `Bearer ${admin}`)
      .send({ now: '2025-09-26T10:00:00+08:00' })
      .expect(200);
    const submitted = await t.http().post(`/api/applications/${created.body.id}/submit`).set(auth);
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({
      status: 'community_review',
      level: 'community',
      dueAt: '2025-10-11T00:00:00+08:00',
    });
  });
});

import { residentId } from '../../libs/domain/src/testing/resident-ids';
import { login, TestApp } from '../support/test-app';

export { residentId };

let serial = 0;

/** A married couple and a child, with one 30 m² home: 3 persons, 10.00 m² each (eligible, (9,10] tier). */
export function familyBody(
  campaignId: string,
  communityId: string,
  overrides: { area?: number; income?: number } = {},
) {
  const order = (serial++ % 90) + 1;
  const husband = residentId({ birthDate: '1980-03-15', sex: 'male', order });
  const wife = residentId({ birthDate: '1982-06-20', sex: 'female', order });
  const son = residentId({ birthDate: '2010-09-01', sex: 'male', order });
  const member = (
    name: string,
    idNumber: string,
    relation: string,
    maritalStatus: string,
    income: number,
  ) => ({
    name,
    idNumber,
    relation,
    maritalStatus,
    hukouCommunityId: communityId,
    hukouSince: relation === 'child' ? '2010-09-01' : '2000-01-01',
    incomeSource: income > 0 ? 'employed' : 'none',
    annualIncome: income,
  });
  return {
    campaignId,
    communityId,
    members: [
      member('张三', husband, 'applicant', 'married', overrides.income ?? 9000),
      member('李四', wife, 'spouse', 'married', 6000),
      member('张小', son, 'child', 'unmarried', 0),
    ],
    properties: [
      { kind: 'private', ownerIdNumber: husband, address: '城南路1号', area: overrides.area ?? 30 },
    ],
  };
}

/** Registers an applicant and logs in. */
export async function createApplicant(t: TestApp): Promise<{ token: string; username: string }> {
  const username = `applicant${serial++}`;
  const idNumber = residentId({ birthDate: '1970-01-01', order: serial % 90 });
  await t
    .http()
    .post('/api/auth/register')
    .send({ username, password: 'applicant-pass', name: '申请人', idNumber, phone: '13800138000' })
    .expect(201);
  return { token: await login(t, username, 'applicant-pass'), username };
}

/** The smallest valid PDF header: enough for content sniffing. */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

/** JPEG (JFIF) and PNG signatures followed by a few bytes: judged by content, these are images. */
export const JPEG = Buffer.from([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0xff, 0xd9,
]);
export const PNG = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
]);

export type ApplicationBody = ReturnType<typeof familyBody>;

/** What a material is for: its type and, where the checklist names one, the member or property. */
export interface MaterialTarget {
  type: string;
  memberIdNumber?: string;
  propertyId?: string;
}

/** The application as GET /api/applications/:id shows it (the fields the tests read). */
export interface ApplicationView {
  id: string;
  status: string;
  level: string | null;
  version: number;
  dueAt: string | null;
  members: { idNumber: string; sex: string | null; birthDate: string | null }[];
  properties: { id: string; counted: boolean | null }[];
  eligibility: { eligible: boolean; reasons: { code: string; message: string }[] };
  missingMaterials: MaterialTarget[];
  [field: string]: unknown;
}

/** A multipart upload of one material; awaiting it sends the request. */
export function uploadMaterial(
  t: TestApp,
  token: string,
  applicationId: string,
  target: MaterialTarget,
  file: { content?: Buffer; name?: string; contentType?: string } = {},
) {
  const req = t
    .http()
    .post(`/api/applications/${applicationId}/materials`)
    .set('authorization', `Bearer ${token}`)
    .field('type', target.type);
  if (target.memberIdNumber) req.field('memberIdNumber', target.memberIdNumber);
  if (target.propertyId) req.field('propertyId', target.propertyId);
  return req.attach('file', file.content ?? PDF, {
    filename: file.name ?? 'material.pdf',
    contentType: file.contentType ?? 'application/pdf',
  });
}

/** The answer's body when it has `status`; otherwise the setup step failed, and says how. */
function bodyIfStatus(
  res: { status: number; body: unknown },
  status: number,
  step: string,
): ApplicationView {
  if (res.status !== status)
    throw new Error(`${step} refused: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as ApplicationView;
}

/** Creates a draft through the API (201) and returns the view it answered with. */
export async function createDraft(
  t: TestApp,
  token: string,
  body: Record<string, unknown>,
): Promise<ApplicationView> {
  const res = await t
    .http()
    .post('/api/applications')
    .set('authorization', `Bearer ${token}`)
    .send(body);
  return bodyIfStatus(res, 201, 'draft');
}

export async function getApplication(
  t: TestApp,
  token: string,
  id: string,
): Promise<ApplicationView> {
  const res = await t
    .http()
    .get(`/api/applications/${id}`)
    .set('authorization', `Bearer ${token}`)
    .expect(200);
  return res.body as ApplicationView;
}

/** Uploads a PDF for every material the application still misses; returns the application then. */
export async function uploadMissingMaterials(
  t: TestApp,
  token: string,
  applicationId: string,
): Promise<ApplicationView> {
  const { missingMaterials } = await getApplication(t, token, applicationId);
  for (const target of missingMaterials) {
    bodyIfStatus(await uploadMaterial(t, token, applicationId, target), 201, 'upload');
  }
  return getApplication(t, token, applicationId);
}

/** A draft with every material on file: submittable inside the window when eligible. */
export async function submittable(
  t: TestApp,
  token: string,
  body: Record<string, unknown>,
): Promise<ApplicationView> {
  const draft = await createDraft(t, token, body);
  return uploadMissingMaterials(t, token, draft.id);
}

/** The applicant submits the application (POST …/submit, 200 expected); returns it then. */
export async function submitApplication(
  t: TestApp,
  token: string,
  applicationId: string,
): Promise<ApplicationView> {
  const res = await t
    .http()
    .post(`/api/applications/${applicationId}/submit`)
    .set('authorization', `Bearer ${token}`);
  return bodyIfStatus(res, 200, 'submit');
}

/** A draft with every material on file, submitted: in review at its community. */
export async function submittedApplication(
  t: TestApp,
  token: string,
  body: Record<string, unknown>,
): Promise<ApplicationView> {
  return submitApplication(t, token, (await submittable(t, token, body)).id);
}

/** Moves the manual clock (admin); it never goes back. */
export async function setClock(t: TestApp, adminToken: string, now: string): Promise<void> {
  await t
    .http()
    .post('/api/admin/clock')
    .set('authorization', `Bearer ${adminToken}`)
    .send({ now })
    .expect(200);
}

/** A reviewer of the application's level returns it for more materials (POST …/decisions). */
export async function returnForMaterials(
  t: TestApp,
  reviewer: { token: string; name: string },
  applicationId: string,
): Promise<ApplicationView> {
  const res = await t
    .http()
    .post(`/api/applications/${applicationId}/decisions`)
    .set('authorization', `Bearer ${reviewer.token}`)
    .send({ decision: 'return', opinion: '请补充材料', signature: reviewer.name });
  return bodyIfStatus(res, 200, 'return');
}

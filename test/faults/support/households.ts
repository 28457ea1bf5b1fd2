import { createHash } from 'node:crypto';
import { AuthUser } from '@app/access';
import { ApplicationBodyDto, ApplicationsService, ApplicationView } from '@app/applications';
import { residentId } from '../../../libs/domain/src/testing/resident-ids';
import { createApplicant, PDF } from '../../factories/applications.factory';
import { workflowWorld, WorkflowWorld } from '../../support/workflow-fixture';
import { FaultBed } from './fault-bed';
import { mapLimit } from './wait';

export interface Applicant {
  token: string;
  user: AuthUser;
}

/** One applicant account (through the API) who files every household of a test. */
export async function registerApplicant(bed: FaultBed): Promise<Applicant> {
  const { token, username } = await createApplicant(bed.api);
  const [row]: { id: string }[] = await bed.db.query(`SELECT id FROM users WHERE username = $1`, [
    username,
  ]);
  return {
    token,
    user: {
      id: row.id,
      username,
      name: '申请人',
      role: 'applicant',
      regionId: null,
      regionPath: null,
    },
  };
}

const dayAfter = (start: string, days: number): string =>
  new Date(Date.parse(`${start}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The i-th household: a couple and a child in one 30 m² home (eligible, as
 * familyBody), with ID numbers of its own for every i below 730,000 — birth
 * dates walk day by day, the order digits step every 7,300 (or 1,800) households.
 */
export function householdBody(campaignId: string, communityId: string, i: number) {
  const adult = (start: string, sex: 'male' | 'female') =>
    residentId({ birthDate: dayAfter(start, i % 7300), sex, order: Math.floor(i / 7300) % 100 });
  const childBorn = dayAfter('2008-01-01', i % 1800);
  const husband = adult('1965-01-01', 'male');
  const wife = adult('1966-01-01', 'female');
  const child = residentId({
    birthDate: childBorn,
    sex: 'male',
    order: Math.floor(i / 1800) % 100,
  });
  const member = (
    name: string,
    idNumber: string,
    relation: string,
    income: number,
    since: string,
  ) => ({
    name,
    idNumber,
    relation,
    maritalStatus: relation === 'child' ? 'unmarried' : 'married',
    hukouCommunityId: communityId,
    hukouSince: since,
    incomeSource: income > 0 ? 'employed' : 'none',
    annualIncome: income,
  });
  return {
    campaignId,
    communityId,
    members: [
      member('张三', husband, 'applicant', 9000, '2000-01-01'),
      member('李四', wife, 'spouse', 6000, '2000-01-01'),
      member('张小', child, 'child', 0, childBorn),
    ],
    properties: [{ kind: 'private', ownerIdNumber: husband, address: '城南路1号', area: 30 }],
  };
}

const PDF_SHA256 = createHash('sha256').update(PDF).digest('hex');

/**
 * `count` drafts ready to submit. They are set-up, not what is tested: made
 * through the applications service rather than HTTP, with a material row for
 * each document the checklist asks for and no file behind it (nothing in the
 * review flow reads the files; uploads have their own tests).
 */
export async function readyDrafts(
  bed: FaultBed,
  applicant: Applicant,
  place: { campaignId: string; communityId: string },
  count: number,
  firstIndex = 0,
): Promise<string[]> {
  const service = bed.api.app.get(ApplicationsService);
  const drafts = await mapLimit(Array.from({ length: count }), 8, (_, i) =>
    service.create(
      applicant.user,
      householdBody(place.campaignId, place.communityId, firstIndex + i) as ApplicationBodyDto,
    ),
  );
  for (let start = 0; start < drafts.length; start += 500) {
    await fileMaterials(bed, applicant, drafts.slice(start, start + 500));
  }
  return drafts.map((d) => d.id);
}

async function fileMaterials(bed: FaultBed, applicant: Applicant, drafts: ApplicationView[]) {
  const rows = drafts.flatMap((d) =>
    d.missingMaterials.map((m, i) => ({
      applicationId: d.id,
      type: m.type,
      member: m.memberIdNumber ?? null,
      property: m.propertyId ?? null,
      key: `fault-seed/${d.id}/${i}`,
    })),
  );
  await bed.db.query(
    `INSERT INTO materials (application_id, type, member_id_number, property_id, content_type, size, sha256, storage_key, uploaded_by)
     SELECT a, t, m, p, 'application/pdf', $6, $7, k, $8
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::text[]) AS x(a, t, m, p, k)`,
    [
      rows.map((r) => r.applicationId),
      rows.map((r) => r.type),
      rows.map((r) => r.member),
      rows.map((r) => r.property),
      rows.map((r) => r.key),
      PDF.length,
      PDF_SHA256,
      applicant.user.id,
    ],
  );
}

/**
 * The start of most fault tests: a county with its reviewers and campaign
 * (workflowWorld), one applicant, and `count` ready drafts in its first community.
 */
export async function draftsInWorld(
  bed: FaultBed,
  count: number,
): Promise<{ world: WorkflowWorld; applicant: Applicant; ids: string[] }> {
  const world = await workflowWorld(bed.api);
  const applicant = await registerApplicant(bed);
  const communityId = world.tree.towns[0].communities[0];
  const ids = await readyDrafts(
    bed,
    applicant,
    { campaignId: world.campaignId, communityId },
    count,
  );
  return { world, applicant, ids };
}

import { INestApplicationContext } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuthService, AuthUser, RegisterDto } from '@app/access';
import { ApplicationBodyDto, figureColumns, StoredHousehold } from '@app/applications';
import { shanghaiDateOf } from '@app/calendar';
import { Clock } from '@app/clock';
import {
  assessHousehold,
  HouseholdAssessment,
  MaterialRequirement,
  validateResidentId,
} from '@app/domain';
// Not in the library's index; the same conversion ApplicationsService.create runs.
import { toStoredHousehold } from '../../../../libs/applications/src/household-mapping';
import { applicationBody, declaredFigures, GeneratedHousehold } from './household-generator';
import { HouseholdPlan } from './season-plan';
import { validated, World } from './world';

const APPLICANT_PASSWORD = 'sim-applicant-password';
const BATCH = 500;
/** The bytes every simulated material stands for: the smallest PDF (no file is written). */
const PDF_BYTES = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const PDF_SHA256 = createHash('sha256').update(PDF_BYTES).digest('hex');

export interface MaterialRow {
  id: string;
  applicationId: string;
  type: string;
  memberIdNumber: string | null;
  propertyId: string | null;
  uploadedBy: string;
}

/** What the season needs of a draft (the household's full assessment is not kept: 100,000 of them weigh). */
export interface Draft {
  applicationId: string;
  applicant: AuthUser;
  persons: number;
  householdIncomeFen: number;
  countedAreaCenti: number;
  /** The declared properties with the ids they were given (corrections name them). */
  properties: { id: string; areaCenti: number; counted: boolean }[];
  /** The material the applicant forgot (plan.missingMaterial), added before submitting again. */
  withheld: MaterialRow | null;
}

interface DraftRow {
  draft: Draft;
  household: StoredHousehold;
  columns: ReturnType<typeof figureColumns>;
}

/** Where the generator and the domain disagree: the generator's intent or figures were wrong. */
export interface DraftDisagreement {
  index: number;
  what: string;
}

/**
 * Applicant accounts and drafts for every household, through the same
 * validation and domain code as the API, written in batches:
 * - the first applicant registers through AuthService.register (one scrypt
 *   hash); the others are inserted with the same password hash (their ID
 *   numbers and fields validated as register validates them): N scrypt hashes
 *   would cost N × 0.25 s and measure nothing of the workflow;
 * - each draft's body goes through the API's ValidationPipe and
 *   ApplicationBodyDto, `toStoredHousehold` and the domain's `assessHousehold`
 *   (what ApplicationsService.create runs), with the county's communities read
 *   once instead of per draft; rows are inserted with one statement per batch;
 * - materials are rows only (no file is written): the checklist the
 *   assessment asks for, one PDF each.
 */
export async function createDrafts(
  app: INestApplicationContext,
  world: World,
  households: readonly GeneratedHousehold[],
  plans: readonly HouseholdPlan[],
  pickWithheld: (required: readonly MaterialRequirement[]) => number,
  onBatch: (done: number) => void,
): Promise<{ drafts: Draft[]; disagreements: DraftDisagreement[] }> {
  const db = app.get(DataSource);
  const today = shanghaiDateOf(app.get(Clock).now());
  const paths = new Map(world.communities.map((c) => [c.region.id, c.region.path]));
  const countyCommunityIds = new Set(paths.keys());
  const first = await registerFirstApplicant(app, households[0]);
  const drafts: Draft[] = [];
  const disagreements: DraftDisagreement[] = [];

  for (let start = 0; start < households.length; start += BATCH) {
    const batch = households.slice(start, start + BATCH);
    const users: AuthUser[] = [];
    const rows: DraftRow[] = [];
    const materials: MaterialRow[] = [];
    for (const h of batch) {
      const applicant = await applicantAccount(h, today, h === households[0] ? first.id : null);
      if (applicant.id !== first.id) users.push(applicant);
      const dto = await validated(ApplicationBodyDto, applicationBody(h, world.campaign.id));
      const household = toStoredHousehold(dto, []);
      const result = assessHousehold(
        { communityId: dto.communityId, ...household },
        world.campaign,
        {
          today,
          countyCommunityIds,
          idNumbersInOtherLiveApplications: new Set(),
        },
      );
      if (!result.ok)
        throw new Error(`household ${h.index} refused: ${JSON.stringify(result.errors)}`);
      disagreements.push(...disagreementsOf(h, result.assessment));
      const applicationId = randomUUID();
      const required = result.assessment.requiredMaterials;
      const withheldAt = plans[h.index].missingMaterial ? pickWithheld(required) : -1;
      let withheld: MaterialRow | null = null;
      required.forEach((r, i) => {
        const row = materialRow(applicationId, r, applicant.id);
        if (i === withheldAt) withheld = row;
        else materials.push(row);
      });
      const a = result.assessment;
      const draft: Draft = {
        applicationId,
        applicant,
        persons: a.persons,
        householdIncomeFen: a.householdIncomeFen,
        countedAreaCenti: a.countedAreaCenti,
        properties: household.properties.map((p) => ({
          id: p.id,
          areaCenti: p.areaCenti,
          counted: a.properties.some((x) => x.propertyId === p.id && x.counted),
        })),
        withheld,
      };
      rows.push({ draft, household, columns: figureColumns(a) });
    }
    await db.transaction(async (tx) => {
      await insertUsers(tx.query.bind(tx), users, batch, first.passwordHash);
      await insertApplications(tx.query.bind(tx), world, paths, batch, rows);
      await insertMaterials(tx.query.bind(tx), materials);
    });
    drafts.push(...rows.map((r) => r.draft));
    onBatch(drafts.length);
  }
  return { drafts, disagreements };
}

/** The first applicant registers through AuthService.register: the one scrypt hash the others reuse. */
async function registerFirstApplicant(
  app: INestApplicationContext,
  first: GeneratedHousehold,
): Promise<{ id: string; passwordHash: string }> {
  const applicant = first.members[0];
  const dto = await validated(RegisterDto, {
    username: usernameOf(first),
    password: APPLICANT_PASSWORD,
    name: applicant.name,
    idNumber: applicant.idNumber,
    phone: first.phone,
  });
  const view = await app.get(AuthService).register(dto, undefined);
  const [row]: { password_hash: string }[] = await app
    .get(DataSource)
    .query(`SELECT password_hash FROM users WHERE id = $1`, [view.id]);
  return { id: view.id, passwordHash: row.password_hash };
}

const usernameOf = (h: GeneratedHousehold) => `sim-applicant-${h.index}`;

/** The account register would create, validated as register validates it (DTO and ID number). */
async function applicantAccount(
  h: GeneratedHousehold,
  today: string,
  registeredId: string | null,
): Promise<AuthUser> {
  const applicant = h.members[0];
  const dto = await validated(RegisterDto, {
    username: usernameOf(h),
    password: APPLICANT_PASSWORD,
    name: applicant.name,
    idNumber: applicant.idNumber,
    phone: h.phone,
  });
  const id = validateResidentId(dto.idNumber, { today });
  if (!id.ok) throw new Error(`applicant ${h.index}: ${JSON.stringify(id.issues)}`);
  return {
    id: registeredId ?? randomUUID(),
    username: dto.username,
    name: dto.name,
    role: 'applicant',
    regionId: null,
    regionPath: null,
  };
}

function disagreementsOf(h: GeneratedHousehold, a: HouseholdAssessment): DraftDisagreement[] {
  const found: DraftDisagreement[] = [];
  const mine = declaredFigures(h);
  if (a.eligibility.eligible !== (h.ineligibleBy === null))
    found.push({
      index: h.index,
      what: `meant ${h.ineligibleBy ?? 'eligible'}, domain says ${a.eligibility.reasons.map((r) => r.code).join(',') || 'eligible'}`,
    });
  if (a.householdIncomeFen !== mine.householdIncomeFen)
    found.push({ index: h.index, what: `income ${mine.householdIncomeFen} ≠ ${a.householdIncomeFen}` }); // prettier-ignore
  if (a.countedAreaCenti !== mine.countedAreaCenti)
    found.push({ index: h.index, what: `counted area ${mine.countedAreaCenti} ≠ ${a.countedAreaCenti}` }); // prettier-ignore
  return found;
}

function materialRow(
  applicationId: string,
  r: MaterialRequirement,
  uploadedBy: string,
): MaterialRow {
  return {
    id: randomUUID(),
    applicationId,
    type: r.type,
    memberIdNumber: r.memberIdNumber ?? null,
    propertyId: r.propertyId ?? null,
    uploadedBy,
  };
}

type Query = (sql: string, params: unknown[]) => Promise<unknown>;

async function insertUsers(
  query: Query,
  users: AuthUser[],
  households: readonly GeneratedHousehold[],
  passwordHash: string,
): Promise<void> {
  if (users.length === 0) return;
  const byName = new Map(households.map((h) => [usernameOf(h), h]));
  await query(
    `INSERT INTO users (id, username, password_hash, name, role, id_number, phone)
     SELECT id, username, $3, name, 'applicant', id_number, phone
       FROM unnest($1::uuid[], $2::text[], $4::text[], $5::text[], $6::text[])
         AS u(id, username, name, id_number, phone)`,
    [
      users.map((u) => u.id),
      users.map((u) => u.username),
      passwordHash,
      users.map((u) => u.name),
      users.map((u) => byName.get(u.username)!.members[0].idNumber),
      users.map((u) => byName.get(u.username)!.phone),
    ],
  );
}

async function insertApplications(
  query: Query,
  world: World,
  paths: ReadonlyMap<string, string>,
  households: readonly GeneratedHousehold[],
  rows: readonly DraftRow[],
): Promise<void> {
  const columns = rows.map(({ draft, household, columns: f }, i) => {
    return {
      id: draft.applicationId,
      community: households[i].communityId,
      path: paths.get(households[i].communityId)!,
      applicant: draft.applicant.id,
      household: JSON.stringify(household),
      persons: f.persons,
      income: f.householdIncomeFen,
      area: f.countedAreaCenti,
      incomeTier: f.incomeTier,
      areaTier: f.areaTier ?? null,
      eligible: f.eligible,
    };
  });
  const col = <K extends keyof (typeof columns)[number]>(k: K) => columns.map((c) => c[k]);
  await query(
    `INSERT INTO applications (id, campaign_id, community_id, region_path, applicant_user_id, status, level,
        version, household, persons, household_income_fen, counted_area_centi, income_tier, area_tier, eligible)
     SELECT id, $1, community_id, region_path, applicant_user_id, 'draft', NULL, 1, household, persons,
            income, area, income_tier, area_tier, eligible
       FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::uuid[], $6::jsonb[], $7::smallint[],
                   $8::bigint[], $9::int[], $10::smallint[], $11::int[], $12::boolean[])
         AS a(id, community_id, region_path, applicant_user_id, household, persons, income, area,
              income_tier, area_tier, eligible)`,
    [
      world.campaign.id,
      col('id'),
      col('community'),
      col('path'),
      col('applicant'),
      col('household'),
      col('persons'),
      col('income'),
      col('area'),
      col('incomeTier'),
      col('areaTier'),
      col('eligible'),
    ],
  );
}

export async function insertMaterials(query: Query, rows: readonly MaterialRow[]): Promise<void> {
  if (rows.length === 0) return;
  await query(
    `INSERT INTO materials (id, application_id, type, member_id_number, property_id, content_type,
                            size, sha256, storage_key, uploaded_by)
     SELECT id, application_id, type, member_id_number, property_id, 'application/pdf', $7, $8,
            'simulated/' || application_id || '/' || id, uploaded_by
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::char(18)[], $5::uuid[], $6::uuid[])
         AS m(id, application_id, type, member_id_number, property_id, uploaded_by)`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.applicationId),
      rows.map((r) => r.type),
      rows.map((r) => r.memberIdNumber),
      rows.map((r) => r.propertyId),
      rows.map((r) => r.uploadedBy),
      PDF_BYTES.length,
      PDF_SHA256,
    ],
  );
}

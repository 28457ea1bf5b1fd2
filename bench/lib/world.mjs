// @ts-check
/**
 * The bench's scratch world: its own database (created, migrated, dropped) and
 * Redis key prefix (only its own keys are ever deleted), a county of one town
 * and ten communities, a campaign open today, one applicant account, one
 * community reviewer per community, and ready drafts (every material on file)
 * written straight into the tables, as the API would have left them.
 */
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import pg from 'pg';
import { DataSource } from 'typeorm';
import * as dist from './dist.mjs';

export const DATABASE = 'housing_bench_tx';
export const COMMUNITIES = 10;
export const REVIEWER_PASSWORD = 'bench-reviewer-pass-2026';

/**
 * @typedef {{ id: string, path: string }} Community
 * @typedef {{ id: string, name: string, username: string, regionPath: string }} Reviewer
 * @typedef {{ countyId: string, countyPath: string, communities: Community[], campaignId: string,
 *   applicantId: string, reviewers: Reviewer[], template: Template, serial: { next: number } }} World
 * @typedef {{ figures: Record<string, unknown>, materials: { type: string, member: number | null, property: boolean }[] }} Template
 * @typedef {{ userId: string, role: string, name: string, regionPath: string | null }} Actor
 */

/** @param {string} server @param {string[]} statements */
export async function onServer(server, statements) {
  const client = new pg.Client({ connectionString: `${server}/postgres` });
  await client.connect();
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Drops and recreates the scratch database, migrates it, and connects. @param {string} server */
export async function createScratchDatabase(server) {
  await onServer(server, [
    `DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`,
    `CREATE DATABASE ${DATABASE}`,
  ]);
  const config = dist.config.loadConfig({
    DATABASE_URL: `${server}/${DATABASE}`,
    LOG_LEVEL: 'silent',
  });
  await dist.database.runMigrations(config);
  // The bench's own connections: a few suffice (the server is shared, max_connections is finite).
  const options = dist.database.dataSourceOptions(config);
  /** @type {unknown} */
  const given = 'extra' in options ? options.extra : {};
  const extra = /** @type {Record<string, unknown>} */ (given);
  const db = new DataSource({ ...options, extra: { ...extra, max: 4 } });
  await db.initialize();
  return db;
}

/** @param {string} server */
export async function dropScratchDatabase(server) {
  await onServer(server, [`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`]);
}

/**
 * Deletes every key under `prefix:` (SCAN + UNLINK), nothing else. Returns how many.
 * @param {string} redisUrl @param {string} prefix
 */
export async function wipePrefix(redisUrl, prefix) {
  if (!/^[a-z][a-z0-9-]+$/.test(prefix)) throw new Error(`refusing to wipe prefix ${prefix}`);
  const redis = new Redis(redisUrl, { lazyConnect: true });
  await redis.connect();
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/**
 * The id of the row an INSERT … RETURNING id made.
 * @param {DataSource} db @param {string} sql @param {unknown[]} [params] @returns {Promise<string>}
 */
async function insertedId(db, sql, params) {
  const [{ id }] = /** @type {{ id: string }[]} */ (await db.query(sql, params));
  return id;
}

/**
 * @param {DataSource} db
 * @returns {Promise<World>}
 */
export async function makeWorld(db) {
  const countyId = randomUUID();
  const townId = randomUUID();
  const countyPath = `/${countyId}/`;
  const townPath = `${countyPath}${townId}/`;
  await db.query(
    `INSERT INTO regions (id, code, name, level, parent_id, path) VALUES
       ($1, 'BENCH', '基准县', 'county', NULL, $2), ($3, 'BENCH-0', '基准镇', 'town', $1, $4)`,
    [countyId, countyPath, townId, townPath],
  );
  /** @type {Community[]} */
  const communities = [];
  for (let c = 0; c < COMMUNITIES; c++) {
    const id = randomUUID();
    const path = `${townPath}${id}/`;
    await db.query(
      `INSERT INTO regions (id, code, name, level, parent_id, path) VALUES ($1, $2, $3, 'community', $4, $5)`,
      [id, `BENCH-0-${String(c).padStart(2, '0')}`, `基准社区${c}`, townId, path],
    );
    communities.push({ id, path });
  }

  const today = dist.calendar.shanghaiDateOf(new Date());
  const year = dist.calendar.yearOf(today);
  const rules = dist.domain.noticeRules(year, 2_000_000);
  const days = dist.domain.NOTICE_DEFAULTS.reviewWorkingDays;
  const campaignId = await insertedId(
    db,
    `INSERT INTO campaigns (name, county_id, reference_income_fen, area_limit_centi, income_coefficients,
       area_tier_bounds_centi, age_cutoff_date, hukou_cutoff_date, transfer_cutoff_date, opens_on,
       closes_on, report_due_on, review_days_community, review_days_town, review_days_bureau, notice_days)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
    [
      `${year}年摸底调查(基准)`,
      countyId,
      rules.referenceIncomeFen,
      rules.areaLimitCenti,
      rules.incomeCoefficients,
      rules.areaTierBoundsCenti,
      rules.ageCutoffDate,
      rules.hukouCutoffDate,
      rules.transferCutoffDate,
      dist.calendar.addDays(today, -30),
      dist.calendar.addDays(today, 60),
      dist.calendar.addDays(today, 90),
      days.community,
      days.town,
      days.bureau,
      dist.domain.NOTICE_DEFAULTS.noticeDays,
    ],
  );

  const applicantId = await insertedId(
    db,
    `INSERT INTO users (username, password_hash, name, role) VALUES ('bench-applicant', 'not-a-hash', '申请人', 'applicant') RETURNING id`,
  );
  // Only the first reviewer logs in (the latency part); the others act through jobs.
  const hash = await new dist.passwords.PasswordHasher().hash(REVIEWER_PASSWORD);
  /** @type {Reviewer[]} */
  const reviewers = [];
  for (const [c, community] of communities.entries()) {
    const username = `bench-reviewer-${c}`;
    const name = `审核员${c}`;
    const id = await insertedId(
      db,
      `INSERT INTO users (username, password_hash, name, role, region_id)
       VALUES ($1, $2, $3, 'community_reviewer', $4) RETURNING id`,
      [username, c === 0 ? hash : 'not-a-hash', name, community.id],
    );
    reviewers.push({ id, name, username, regionPath: community.path });
  }
  const template = householdTemplate(today, rules, communities);
  return {
    countyId,
    countyPath,
    communities,
    campaignId,
    applicantId,
    reviewers,
    template,
    serial: { next: 0 },
  };
}

/**
 * A married couple (9,000 and 6,000 yuan a year, employed) and a son, one
 * 30 m² home: the tests' family. Assessed once by the domain (every draft has
 * the same figures); its materials checklist becomes the template of each draft's uploads.
 * @param {string} today @param {import('../../libs/domain/src').CampaignRules} rules
 * @param {Community[]} communities
 * @returns {Template}
 */
function householdTemplate(today, rules, communities) {
  const household = householdOf(0, communities[0].id);
  const result = dist.domain.assessHousehold(
    { communityId: communities[0].id, ...household },
    rules,
    {
      today,
      countyCommunityIds: new Set(communities.map((c) => c.id)),
      idNumbersInOtherLiveApplications: new Set(),
    },
  );
  if (!result.ok) throw new Error(`bench household invalid: ${JSON.stringify(result.errors)}`);
  const { assessment } = result;
  if (!assessment.eligibility.eligible)
    throw new Error(`bench household ineligible: ${JSON.stringify(assessment.eligibility)}`);
  const ids = household.members.map((m) => m.idNumber);
  return {
    figures: dist.applications.figureColumns(assessment),
    materials: assessment.requiredMaterials.map((r) => ({
      type: r.type,
      member: r.memberIdNumber === undefined ? null : ids.indexOf(r.memberIdNumber),
      property: r.propertyId !== undefined,
    })),
  };
}

/**
 * The household of draft number `serial`: its members' ID numbers are unique
 * up to 300,000 drafts (birth day and sequence code follow the serial).
 * @param {number} serial @param {string} communityId
 */
function householdOf(serial, communityId) {
  if (serial >= 300_000) throw new Error('the bench makes at most 300,000 drafts');
  const { residentId } = dist.residentIds;
  const { addDays } = dist.calendar;
  const parents = { day: serial % 9000, order: Math.floor(serial / 9000) };
  const son = { day: serial % 3000, order: Math.floor(serial / 3000) };
  const husband = residentId({
    birthDate: addDays('1960-01-01', parents.day),
    sex: 'male',
    order: parents.order,
  });
  const wife = residentId({
    birthDate: addDays('1962-01-01', parents.day),
    sex: 'female',
    order: parents.order,
  });
  const sonBorn = addDays('2008-01-01', son.day);
  const child = residentId({ birthDate: sonBorn, sex: 'male', order: son.order });
  /**
   * @param {string} name @param {string} idNumber @param {'applicant' | 'spouse' | 'child'} relation
   * @param {'married' | 'unmarried'} maritalStatus @param {string} since @param {number} incomeFen
   */
  const member = (name, idNumber, relation, maritalStatus, since, incomeFen) => ({
    name,
    idNumber,
    relation,
    maritalStatus,
    hukouCommunityId: communityId,
    hukouSince: since,
    incomeSource: /** @type {'employed' | 'none'} */ (incomeFen > 0 ? 'employed' : 'none'),
    annualIncomeFen: incomeFen,
  });
  return {
    members: [
      member('张三', husband, 'applicant', 'married', '2000-01-01', 900_000),
      member('李四', wife, 'spouse', 'married', '2000-01-01', 600_000),
      member('张小', child, 'child', 'unmarried', sonBorn, 0),
    ],
    properties: [
      {
        id: randomUUID(),
        kind: /** @type {const} */ ('private'),
        ownerIdNumber: husband,
        address: '城南路1号',
        areaCenti: 3000,
        transferredOn: null,
        transferReason: null,
      },
    ],
  };
}

/**
 * `count` drafts with every material on file, in community `community` (or
 * spread over all when null), owned by the bench's applicant. Returns their
 * ids with the reviewer of each one's community.
 * @param {DataSource} db @param {World} world @param {number} count @param {number | null} community
 * @returns {Promise<{ id: string, reviewer: Reviewer }[]>}
 */
export async function addDrafts(db, world, count, community) {
  /** @type {{ id: string, reviewer: Reviewer }[]} */
  const made = [];
  const f = world.template.figures;
  for (let done = 0; done < count;) {
    const batch = Math.min(500, count - done);
    const apps = [];
    const materials = [];
    for (let i = 0; i < batch; i++) {
      const serial = world.serial.next++;
      const c = community ?? serial % world.communities.length;
      const { id: communityId, path } = world.communities[c];
      const household = householdOf(serial, communityId);
      const id = randomUUID();
      apps.push({ id, community_id: communityId, region_path: path, household });
      for (const [n, m] of world.template.materials.entries()) {
        materials.push({
          application_id: id,
          type: m.type,
          member_id_number: m.member === null ? null : household.members[m.member].idNumber,
          property_id: m.property ? household.properties[0].id : null,
          n,
        });
      }
      made.push({ id, reviewer: world.reviewers[c] });
    }
    await db.query(
      `INSERT INTO applications (id, campaign_id, community_id, region_path, applicant_user_id, status,
         level, version, household, persons, household_income_fen, counted_area_centi, income_tier,
         area_tier, eligible)
       SELECT a.id, $1, a.community_id, a.region_path, $2, 'draft', NULL, 1, a.household,
              $3, $4, $5, $6, $7, $8
         FROM json_to_recordset($9::json) AS a(id uuid, community_id uuid, region_path text, household jsonb)`,
      [
        world.campaignId,
        world.applicantId,
        f.persons,
        f.householdIncomeFen,
        f.countedAreaCenti,
        f.incomeTier,
        f.areaTier,
        f.eligible,
        JSON.stringify(apps),
      ],
    );
    await db.query(
      `INSERT INTO materials (application_id, type, member_id_number, property_id, content_type, size,
         sha256, storage_key, uploaded_by)
       SELECT m.application_id, m.type, m.member_id_number, m.property_id, 'application/pdf', 1024,
              repeat('0', 64), 'bench/' || m.application_id || '/' || m.n, $1
         FROM json_to_recordset($2::json)
           AS m(application_id uuid, type text, member_id_number text, property_id uuid, n int)`,
      [world.applicantId, JSON.stringify(materials)],
    );
    done += batch;
  }
  return made;
}

/** The job actor of the applicant (as WorkflowCommands builds it). @param {World} world @returns {Actor} */
export const applicantActor = (world) => ({
  userId: world.applicantId,
  role: 'applicant',
  name: '申请人',
  regionPath: null,
});

/** @param {Reviewer} r @returns {Actor} */
export const reviewerActor = (r) => ({
  userId: r.id,
  role: 'community_reviewer',
  name: r.name,
  regionPath: r.regionPath,
});

/**
 * How many of `ids` are in each status.
 * @param {DataSource} db @param {string[]} ids @returns {Promise<Record<string, number>>}
 */
export async function statusesOf(db, ids) {
  const result = /** @type {{ status: string, n: number }[]} */ (
    await db.query(
      `SELECT status, count(*)::int AS n FROM applications WHERE id = ANY($1::uuid[]) GROUP BY status`,
      [ids],
    )
  );
  return Object.fromEntries(result.map((r) => [r.status, r.n]));
}

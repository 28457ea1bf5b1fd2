// @ts-check
/**
 * An experiment, not part of `npm run bench`: what PostgreSQL would spend on a
 * transition if a worker applied several in one transaction with
 * set-oriented statements (one lock, one read and one write for the batch,
 * each table's rows for all of it at once), against what it spends now (one
 * transaction of a lock, a read and a write per transition). See
 * docs/performance.md, "Set-oriented batches measured".
 *
 *   node bench/run.mjs --parts=b --keep      # leaves housing_bench_tx: 6,000 applications (5,000 and the profile's 1,000)
 *   node bench/batching.mjs                  # then this, against that database
 *   dropdb -h 127.0.0.1 -U postgres housing_bench_tx
 *
 * Two commands (`--command`): a community approval (its notice, the notice's
 * timer) and a submission (the members claimed for the campaign, the
 * review's deadline). The per-transition statements are the service's own,
 * as its worker sent them when this was written (the lock, read and write of
 * `TransitionEngine`, taken from PostgreSQL's statement log); the batch's are
 * the same statements with every parameter an array, `VALUES` a `SELECT FROM
 * unnest(…)`, and `UPDATE … WHERE id = $n` an `UPDATE … FROM` the batch. Both
 * write the same rows with the same values, a 4 kB recorded answer
 * included, and check that every row was updated, every answer recorded and
 * every member claimed. They run on applications as the bench left them,
 * again and again (the version and the history chain advance; a submission
 * claims members its application already holds), so the tables grow as a
 * season's would.
 *
 * It measures the CPU time of the PostgreSQL backends it uses
 * (from /proc, as the bench does: Linux, the server on this machine) and its own
 * (pg's encoding and parsing), per transition. Arms alternate, round after round.
 *
 * Flags: --command=approve|submit --transitions=4000 --batch=8 --rounds=3
 *        --connections=8 --batch-connections=2
 *        --database=housing_bench_tx --server=postgres://postgres@127.0.0.1:5432
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import pg from 'pg';
import { parseFlags } from './lib/args.mjs';
import { snapshot, spent } from './lib/cpu.mjs';

const FLAGS = new Set([
  'database', 'server', 'transitions', 'batch', 'rounds', 'connections', 'batch-connections', 'command',
]); // prettier-ignore
const args = parseFlags(process.argv.slice(2), FLAGS);
const url = `${args.server ?? 'postgres://postgres@127.0.0.1:5432'}/${args.database ?? 'housing_bench_tx'}`;
const TRANSITIONS = Number(args.transitions ?? 4000);
const BATCH = Number(args.batch ?? 8);
const ROUNDS = Number(args.rounds ?? 3);
const CONNECTIONS = Number(args.connections ?? 8);
const BATCH_CONNECTIONS = Number(args['batch-connections'] ?? 2);
if (!['approve', 'submit'].includes(args.command ?? 'approve'))
  throw new Error('--command is approve or submit');
const COMMAND = /** @type {'approve' | 'submit'} */ (args.command ?? 'approve');

// ---------------------------------------------------------------- statements

/** The lock, as `lockApplication` sends it (it also turns the transaction's generic plans on). */
const COLUMNS = `"id", "campaign_id", "community_id", "region_path", "applicant_user_id", "status", "level",
  "version", "household", "persons", "household_income_fen", "counted_area_centi", "income_tier",
  "area_tier", "eligible", "submitted_at", "due_at", "notice_ends_at", "archive_no", "overdue_since",
  "notice_waiting", "approved_at", "approval_snapshot", "history_length", "history_head", "created_at",
  "updated_at", (set_config('plan_cache_mode', 'force_generic_plan', true)) AS also_evaluated`;
const LOCK = `SELECT ${COLUMNS} FROM applications a WHERE a.id = $1 FOR UPDATE`;
const LOCK_BATCH = `SELECT ${COLUMNS} FROM applications a WHERE a.id = ANY($1::uuid[]) ORDER BY a.id FOR UPDATE`;

/** A read's subqueries, over `$n` (one approval) or the batch's columns `u.pn`. @param {(n: number) => string} p */
const readColumns = (p) => `
  (SELECT json_build_object('statusCode', status_code, 'body', body)
     FROM command_results WHERE job_id = ${p(1)}) AS recorded,
  (SELECT count(*)::int FROM objections o JOIN notices n ON n.id = o.notice_id
    WHERE o.application_id = ${p(2)} AND o.resolved_at IS NULL AND n.closed_at IS NULL) AS unresolved,
  (SELECT json_agg(json_build_object('date', date, 'workday', workday, 'note', note))
     FROM calendar_overrides) AS overrides,
  (SELECT name FROM regions WHERE id = ${p(3)}) AS community_name,
  (SELECT json_agg(json_build_object('id', id, 'type', type, 'memberIdNumber', member_id_number,
          'propertyId', property_id, 'contentType', content_type, 'size', size,
          'sha256', sha256, 'createdAt', created_at) ORDER BY created_at, id)
     FROM materials WHERE application_id = ${p(4)}) AS materials,
  (SELECT array_agg(c.id::text) FROM regions c JOIN regions county ON county.id = ${p(5)}
    WHERE c.id = ANY(${p(6)}::uuid[]) AND c.level = 'community' AND c.path LIKE county.path || '%') AS local_community_ids,
  (SELECT array_agg(held.id_number::text)
     FROM unnest(${p(8)}::char(18)[]) AS wanted (id_number),
          LATERAL (SELECT m.id_number FROM live_memberships m
                    WHERE m.campaign_id = ${p(7)} AND m.id_number = wanted.id_number
                      AND m.application_id IS DISTINCT FROM ${p(9)}::uuid
                   OFFSET 0) AS held) AS members_elsewhere`;
const READ = `SELECT ${readColumns((n) => `$${n}`)}`;
/** Arrays of arrays are not arrays of rows in PostgreSQL: the batch passes a list as its text. */
const READ_TYPES = ['varchar', 'uuid', 'uuid', 'uuid', 'uuid', 'text', 'uuid', 'text', 'uuid'];
const READ_BATCH = `SELECT u.ord, ${readColumns((n) => (n === 6 || n === 8 ? `string_to_array(u.p${n}, ',')` : `u.p${n}`))}
  FROM unnest(${READ_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})
       WITH ORDINALITY AS u(${READ_TYPES.map((_, i) => `p${i + 1}`).join(', ')}, ord)`;

/**
 * A part's values: `VALUES ($from, …, $to)` for one transition, `SELECT u.pfrom, …, u.pto FROM u` for a batch.
 * @param {(n: number) => string} p @param {boolean} batch
 */
const valuesOf = (p, batch) => (/** @type {number} */ from, /** @type {number} */ to) => {
  const list = Array.from({ length: to - from + 1 }, (_, i) => p(from + i)).join(', ');
  return batch ? `SELECT ${list} FROM u` : `VALUES (${list})`;
};

/** The history entry (14 values from `from`), as every transition writes it. @param {(from: number, to: number) => string} values @param {number} from */
const historyPart = (
  values,
  from,
) => `w4 AS (INSERT INTO application_history (application_id, seq, type, from_status, to_status, actor_id,
          actor_name, actor_role, opinion, signature, corrections, at, prev_hash, hash) ${values(from, from + 13)})`;

/**
 * The outbox event (4 values from `from`), the audit record (10) and the
 * recorded answer (4), as every transition writes them, last.
 * @param {(from: number, to: number) => string} values @param {number} from
 */
const recordParts = (
  values,
  from,
) => `w6 AS (INSERT INTO outbox (application_id, event, payload, created_at) ${values(from, from + 3)}),
w7 AS (INSERT INTO audit_log (action, outcome, actor_id, actor_role, target_type, target_id,
                              request_id, ip, job_id, detail) ${values(from + 4, from + 13)}),
w8 AS (INSERT INTO command_results (job_id, application_id, status_code, body) ${values(from + 14, from + 17)}
        ON CONFLICT (job_id) DO NOTHING RETURNING job_id)`;

/** The write of a community approval, as `TransitionEngine` sends it: over `$n` or the batch's `u.pn`. @param {(n: number) => string} p @param {boolean} batch */
const writeParts = (p, batch) => {
  const values = valuesOf(p, batch);
  return `
w1 AS (UPDATE timers t SET cancelled_at = ${p(2)} ${batch ? 'FROM u' : ''}
        WHERE t.application_id = ${p(1)} AND t.fired_at IS NULL AND t.cancelled_at IS NULL AND t.kind = ${p(3)}
          AND t.id IS DISTINCT FROM ${p(4)}),
w2 AS (INSERT INTO timers (id, application_id, kind, level, due_at) ${values(5, 9)}
        ON CONFLICT (id) DO NOTHING),
w3 AS (INSERT INTO notices (application_id, campaign_id, level, region_path, community_name, masked_name,
                           persons, per_capita_area_centi, income_tier, starts_at, ends_at) ${values(10, 20)}),
${historyPart(values, 21)},
w5 AS (UPDATE applications a SET due_at = ${p(37)}, overdue_since = ${p(38)}, notice_ends_at = ${p(39)},
          notice_waiting = ${p(40)}, status = ${p(41)}, level = ${p(42)}, version = ${p(43)},
          history_length = ${p(44)}, history_head = ${p(45)}, updated_at = now() ${batch ? 'FROM u' : ''}
        WHERE a.id = ${p(35)} AND a.version = ${p(36)} RETURNING a.id),
${recordParts(values, 46)}
SELECT (SELECT count(*) FROM w8)::int AS recorded, (SELECT count(*) FROM w5)::int AS updated`;
};
/** Each write parameter's type (the column it goes to). */
const WRITE_TYPES = [
  'uuid', 'timestamptz', 'varchar', 'varchar', // w1
  'varchar', 'uuid', 'varchar', 'varchar', 'timestamptz', // w2
  'uuid', 'uuid', 'varchar', 'text', 'varchar', 'varchar', 'int2', 'int4', 'int2', 'timestamptz', 'timestamptz', // w3
  'uuid', 'int4', 'varchar', 'varchar', 'varchar', 'uuid', 'varchar', 'varchar', 'text', 'varchar', 'jsonb',
  'timestamptz', 'bpchar', 'bpchar', // w4
  'uuid', 'int4', 'timestamptz', 'timestamptz', 'timestamptz', 'bool', 'varchar', 'varchar', 'int4', 'int4', 'bpchar', // w5
  'uuid', 'varchar', 'jsonb', 'timestamptz', // w6
  'varchar', 'varchar', 'uuid', 'varchar', 'varchar', 'varchar', 'varchar', 'varchar', 'varchar', 'jsonb', // w7
  'varchar', 'uuid', 'int2', 'jsonb', // w8
]; // prettier-ignore
/**
 * A write's statement for one transition, or for a batch: the same parts over
 * `u`, one row a transition of one array a parameter.
 * @param {(p: (n: number) => string, batch: boolean) => string} parts @param {string[]} types
 */
function writeStatements(parts, types) {
  return {
    one: `WITH ${parts((n) => `$${n}`, false)}`,
    batch: `WITH u AS (SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})
  AS u(${types.map((_, i) => `p${i + 1}`).join(', ')})),
${parts((n) => `u.p${n}`, true)}`,
  };
}
const APPROVAL_WRITE = writeStatements(writeParts, WRITE_TYPES);

/**
 * The write of a submission, as `TransitionEngine` sends it: the members
 * claimed for the campaign (a member another application holds is not, and
 * the count tells), the review's deadline, the history entry, the
 * application with its figures, the outbox event, the audit record and the
 * answer. In a batch a list of members is its text (arrays do not nest).
 * @param {(n: number) => string} p @param {boolean} batch
 */
const submitParts = (p, batch) => {
  const values = valuesOf(p, batch);
  const members = (/** @type {number} */ n) =>
    batch ? `string_to_array(${p(n)}, ',')::char(18)[]` : `${p(n)}::char(18)[]`;
  return `
w1 AS (DELETE FROM live_memberships m ${batch ? 'USING u' : ''}
        WHERE m.application_id = ${p(1)} AND m.id_number <> ALL(${members(2)})),
w2 AS (INSERT INTO live_memberships (campaign_id, id_number, application_id)
        SELECT ${p(3)}, n, ${p(5)} FROM ${batch ? 'u, ' : ''}unnest(${members(4)}) AS n
        ON CONFLICT (campaign_id, id_number) DO UPDATE SET application_id = EXCLUDED.application_id
         WHERE live_memberships.application_id = EXCLUDED.application_id
        RETURNING id_number),
w3 AS (INSERT INTO timers (id, application_id, kind, level, due_at) ${values(6, 10)}
        ON CONFLICT (id) DO NOTHING),
${historyPart(values, 11)},
w5 AS (UPDATE applications a SET submitted_at = ${p(27)}, persons = ${p(28)}, household_income_fen = ${p(29)},
          counted_area_centi = ${p(30)}, income_tier = ${p(31)}, area_tier = ${p(32)}, eligible = ${p(33)},
          due_at = ${p(34)}, overdue_since = ${p(35)}, status = ${p(36)}, level = ${p(37)}, version = ${p(38)},
          history_length = ${p(39)}, history_head = ${p(40)}, updated_at = now() ${batch ? 'FROM u' : ''}
        WHERE a.id = ${p(25)} AND a.version = ${p(26)} RETURNING a.id),
${recordParts(values, 41)}
SELECT (SELECT count(*) FROM w8)::int AS recorded, (SELECT count(*) FROM w5)::int AS updated,
       (SELECT count(*) FROM w2)::int AS claimed`;
};
const SUBMIT_TYPES = [
  'uuid', 'text', 'uuid', 'text', 'uuid', // w1, w2
  'varchar', 'uuid', 'varchar', 'varchar', 'timestamptz', // w3
  'uuid', 'int4', 'varchar', 'varchar', 'varchar', 'uuid', 'varchar', 'varchar', 'text', 'varchar', 'jsonb',
  'timestamptz', 'bpchar', 'bpchar', // w4
  'uuid', 'int4', 'timestamptz', 'int2', 'int8', 'int4', 'int2', 'int4', 'bool', 'timestamptz', 'timestamptz',
  'varchar', 'varchar', 'int4', 'int4', 'bpchar', // w5
  'uuid', 'varchar', 'jsonb', 'timestamptz', // w6
  'varchar', 'varchar', 'uuid', 'varchar', 'varchar', 'varchar', 'varchar', 'varchar', 'varchar', 'jsonb', // w7
  'varchar', 'uuid', 'int2', 'jsonb', // w8
]; // prettier-ignore
const SUBMIT_WRITE = writeStatements(submitParts, SUBMIT_TYPES);

// ---------------------------------------------------------------- transitions

/**
 * @typedef {{ id: string, version: number, seq: number, head: string, campaignId: string,
 *   communityId: string, countyId: string, regionPath: string, communityName: string,
 *   maskedName: string, persons: number, perCapitaAreaCenti: number, incomeTier: number,
 *   memberIds: string[], hukouCommunities: string[], lastAnswer: Record<string, unknown> }} App
 * @typedef {{ read: unknown[], write: unknown[], hash: string, members: number }} Transition
 */

/**
 * What every command of `app` has: its instant, a date `days` later (the
 * notice's end, the review's deadline), its job, the next version and history
 * entry, the transition's read, its outbox event and audit detail, and its
 * answer (the application's view, as big as the service's: materials,
 * members, figures).
 * @param {App} app @param {string} command @param {string} from @param {string} to @param {number} days
 */
function nextStep(app, command, from, to, days) {
  const now = new Date().toISOString();
  const later = new Date(Date.now() + days * 86_400_000).toISOString();
  const job = `${command}-${randomUUID()}`;
  const seq = app.seq + 1;
  const version = app.version + 1;
  const hash = randomBytes(32).toString('hex');
  const read = [job, app.id, app.communityId, app.id, app.countyId, app.hukouCommunities, app.campaignId, app.memberIds, app.id]; // prettier-ignore
  const event = { to, seq, from, version, applicationId: app.id };
  const detail = { ...event, command, trigger: 'command', historySeq: seq, effectiveAt: now };
  const answer = { ...app.lastAnswer, status: to, level: 'community', version };
  return { now, later, job, seq, version, hash, read, event, detail, answer };
}

/**
 * The last 18 values of every write (see recordParts): the outbox event, the
 * audit record by `actor` in `role`, and the recorded answer `body`.
 * @param {App} app @param {ReturnType<typeof nextStep>} step @param {string} command
 * @param {string} actor @param {string} role @param {Record<string, unknown>} body
 */
function recordValues(app, step, command, actor, role, body) {
  return [
    app.id, `application.${command}`, JSON.stringify(step.event), step.now,
    'application.transition', 'succeeded', actor, role, 'application', app.id, null, null, step.job, JSON.stringify(step.detail),
    step.job, app.id, 200, JSON.stringify(body),
  ]; // prettier-ignore
}

/** A community approval of `app`. @param {App} app @returns {Transition} */
function approval(app) {
  const step = nextStep(app, 'approve', 'community_review', 'community_notice', 6);
  const { now, later: noticeEnds, seq, version, hash } = step;
  const reviewer = randomUUID();
  const body = { ...step.answer, noticeEndsAt: noticeEnds };
  const write = [
    app.id, now, 'review_deadline', null,
    `${app.id}-notice_end-${version}`, app.id, 'notice_end', 'community', noticeEnds,
    app.id, app.campaignId, 'community', app.regionPath, app.communityName, app.maskedName,
    app.persons, app.perCapitaAreaCenti, app.incomeTier, now, noticeEnds,
    app.id, seq, 'approve', 'community_review', 'community_notice', reviewer, '审核员', 'community_reviewer',
    '经调查核实', '审核员', null, now, app.head, hash,
    app.id, app.version, null, null, noticeEnds, false, 'community_notice', 'community', version, seq, hash,
    ...recordValues(app, step, 'approve', reviewer, 'community_reviewer', body),
  ]; // prettier-ignore
  return { read: step.read, write, hash, members: 0 };
}

/** A submission of `app` (its members claimed again, as a resubmission's are). @param {App} app @returns {Transition} */
function submission(app) {
  const step = nextStep(app, 'submit', 'draft', 'community_review', 7);
  const { now, later: deadline, seq, version, hash } = step;
  const applicant = randomUUID();
  const body = { ...step.answer, dueAt: deadline };
  const write = [
    app.id, app.memberIds, app.campaignId, app.memberIds, app.id,
    `${app.id}-review_deadline-${version}`, app.id, 'review_deadline', 'community', deadline,
    app.id, seq, 'submit', 'draft', 'community_review', applicant, '申请人', 'applicant', null, null, null,
    now, app.head, hash,
    app.id, app.version, now, app.persons, 1_500_000, app.perCapitaAreaCenti * app.persons, app.incomeTier,
    app.perCapitaAreaCenti, true, deadline, null, 'community_review', 'community', version, seq, hash,
    ...recordValues(app, step, 'submit', applicant, 'applicant', body),
  ]; // prettier-ignore
  return { read: step.read, write, hash, members: app.memberIds.length };
}

/** The command replayed (`--command`): how to make one transition of it, and its write. */
const COMMANDS = {
  approve: { transition: approval, write: APPROVAL_WRITE },
  submit: { transition: submission, write: SUBMIT_WRITE },
};

/** @param {App} app @param {Transition} a */
function applied(app, a) {
  app.version += 1;
  app.seq += 1;
  app.head = a.hash;
}

/** Each parameter as one array over the batch (a list as its text where an array would nest). @param {unknown[][]} rows */
const columnsOf = (rows) =>
  rows[0].map((_, i) =>
    rows.map((r) => (Array.isArray(r[i]) ? /** @type {unknown[]} */ (r[i]).join(',') : r[i])),
  );

// ---------------------------------------------------------------- lanes

/** One connection and the applications only it approves (no lock waits between lanes). */
class Lane {
  /** @param {pg.Client} client @param {number} pid @param {App[]} apps */
  constructor(client, pid, apps) {
    this.client = client;
    this.pid = pid;
    this.apps = apps;
    this.next = 0;
  }

  /** @param {number} n distinct applications */
  take(n) {
    const taken = [];
    for (let i = 0; i < n; i++) taken.push(this.apps[this.next++ % this.apps.length]);
    return taken;
  }

  /**
   * A named statement (prepared once on the connection, as the service's are).
   * @param {string} name @param {string} text @param {unknown[]} values
   * @returns {Promise<Record<string, unknown>[]>}
   */
  async query(name, text, values) {
    /** @type {pg.QueryResult<Record<string, unknown>>} */
    const result = await this.client.query({ name, text, values });
    return result.rows;
  }

  /**
   * The write's own checks: each row updated, each answer recorded, each member claimed.
   * @param {Record<string, unknown>[]} rows @param {Transition[]} all
   */
  static checkWrite(rows, all) {
    const members = all.reduce((sum, t) => sum + t.members, 0);
    const { updated, recorded, claimed } = rows[0];
    if (updated !== all.length || recorded !== all.length || (members > 0 && claimed !== members))
      throw new Error(`write: ${JSON.stringify(rows[0])}`);
  }

  /** One transaction per transition, as the worker applies them now. @param {number} n */
  async oneByOne(n) {
    for (const app of this.take(n)) {
      const a = COMMANDS[COMMAND].transition(app);
      await this.client.query('BEGIN');
      await this.query('lock', LOCK, [app.id]);
      await this.query('read', READ, a.read);
      Lane.checkWrite(await this.query('write', COMMANDS[COMMAND].write.one, a.write), [a]);
      await this.client.query('COMMIT');
      applied(app, a);
    }
  }

  /** One transaction per `size` transitions, one lock, read and write each. @param {number} n @param {number} size */
  async inBatches(n, size) {
    for (let done = 0; done < n; done += size) {
      const apps = this.take(Math.min(size, n - done));
      const all = apps.map(COMMANDS[COMMAND].transition);
      await this.client.query('BEGIN');
      await this.query('lock-batch', LOCK_BATCH, [apps.map((app) => app.id)]);
      const read = await this.query('read-batch', READ_BATCH, columnsOf(all.map((a) => a.read)));
      if (read.length !== apps.length) throw new Error('read: a row short');
      const { batch } = COMMANDS[COMMAND].write;
      const written = await this.query('write-batch', batch, columnsOf(all.map((a) => a.write)));
      Lane.checkWrite(written, all);
      await this.client.query('COMMIT');
      apps.forEach((app, i) => applied(app, all[i]));
    }
  }

  /**
   * One transaction per `size` transitions with the batch's lock in one statement,
   * but each transition's own read and write (the engine's statements, unchanged).
   * @param {number} n @param {number} size
   */
  async grouped(n, size) {
    for (let done = 0; done < n; done += size) {
      const apps = this.take(Math.min(size, n - done));
      const all = apps.map(COMMANDS[COMMAND].transition);
      await this.client.query('BEGIN');
      await this.query('lock-batch', LOCK_BATCH, [apps.map((app) => app.id)]);
      for (const a of all) {
        await this.query('read', READ, a.read);
        Lane.checkWrite(await this.query('write', COMMANDS[COMMAND].write.one, a.write), [a]);
      }
      await this.client.query('COMMIT');
      apps.forEach((app, i) => applied(app, all[i]));
    }
  }
}

/** @param {number} count @param {App[]} apps */
async function lanes(count, apps) {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const client = new pg.Client({ connectionString: url, application_name: 'housing-batching' });
      await client.connect();
      /** @type {pg.QueryResult<{ pid: number }>} */
      const { rows } = await client.query('SELECT pg_backend_pid() AS pid');
      return new Lane(
        client,
        rows[0].pid,
        apps.filter((_, k) => k % count === i),
      );
    }),
  );
}

/**
 * @typedef {Omit<App, 'countyId' | 'maskedName' | 'memberIds' | 'hukouCommunities' | 'lastAnswer'>
 *   & { household: { members: { name: string, idNumber: string, hukouCommunityId: string }[] } }} AppRow
 */

/** @param {pg.Client} client @returns {Promise<App[]>} */
async function loadApplications(client) {
  /** @type {pg.QueryResult<AppRow>} */
  const { rows } = await client.query(`
    SELECT a.id, a.version, a.history_length AS seq, a.history_head AS head, a.campaign_id AS "campaignId",
           a.community_id AS "communityId", a.region_path AS "regionPath", r.name AS "communityName",
           a.persons, a.counted_area_centi / a.persons AS "perCapitaAreaCenti", a.income_tier AS "incomeTier",
           a.household
      FROM applications a JOIN regions r ON r.id = a.community_id
     WHERE a.persons > 0 AND a.history_head IS NOT NULL ORDER BY a.id`);
  // One recorded answer as the size of every approval's (the view: members, materials, figures).
  /** @type {pg.QueryResult<{ body: Record<string, unknown> }>} */
  const answer = await client.query(
    `SELECT body FROM command_results WHERE status_code = 200 ORDER BY created_at DESC LIMIT 1`,
  );
  return rows.map(({ household, ...app }) => {
    const { members } = household;
    return {
      ...app,
      countyId: app.regionPath.split('/')[1],
      maskedName: `${members[0].name.slice(0, 1)}*`,
      memberIds: members.map((m) => m.idNumber),
      hukouCommunities: [...new Set(members.map((m) => m.hukouCommunityId))],
      lastAnswer: { ...answer.rows[0].body, id: app.id },
    };
  });
}

const setup = new pg.Client({ connectionString: url });
await setup.connect();
// As autovacuum would have by now (the bench's server runs without it): plans made on
// the statistics of empty tables scan them whole.
await setup.query('ANALYZE');
const apps = await loadApplications(setup);
await setup.end();
if (apps.length < BATCH * Math.max(CONNECTIONS, BATCH_CONNECTIONS))
  throw new Error(`${apps.length} applications: run node bench/run.mjs --parts=b --keep first`);

const arms = [
  { name: `one transaction per ${COMMAND}, ${CONNECTIONS} connections`, lanes: await lanes(CONNECTIONS, apps), batch: 1 },
  { name: `batches of ${BATCH}, ${BATCH_CONNECTIONS} connections`, lanes: await lanes(BATCH_CONNECTIONS, apps), batch: BATCH },
  { name: `grouped by ${BATCH}, ${BATCH_CONNECTIONS} connections`, lanes: await lanes(BATCH_CONNECTIONS, apps), batch: BATCH, grouped: true },
  { name: `grouped by ${BATCH}, ${CONNECTIONS} connections`, lanes: await lanes(CONNECTIONS, apps), batch: BATCH, grouped: true },
]; // prettier-ignore
// The two arms' lanes share applications; they run one after the other, never at once.
process.stdout.write(
  `Set-oriented batches against one transaction per ${COMMAND}: ${apps.length} applications, ` +
    `${TRANSITIONS} transitions an arm a round\n`,
);
for (let round = 1; round <= ROUNDS; round++) {
  for (const arm of arms) {
    const each = Math.ceil(TRANSITIONS / arm.lanes.length);
    const pids = arm.lanes.map((lane) => lane.pid);
    const backends0 = snapshot(pids);
    const own0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(
      arm.lanes.map((lane) =>
        arm.batch === 1
          ? lane.oneByOne(each)
          : arm.grouped
            ? lane.grouped(each, arm.batch)
            : lane.inBatches(each, arm.batch),
      ),
    );
    const wall = performance.now() - t0;
    const n = each * arm.lanes.length;
    const backends = spent(backends0, snapshot(pids));
    const own = process.cpuUsage(own0);
    process.stdout.write(
      `  round ${round}  ${arm.name.padEnd(46)} PostgreSQL ${(backends / n).toFixed(3)} ms, ` +
        `pg client ${((own.user + own.system) / 1000 / n).toFixed(3)} ms a transition; ` +
        `${Math.round((n / wall) * 1000)} transitions/s\n`,
    );
  }
}
for (const arm of arms) for (const lane of arm.lanes) await lane.client.end();

import { windowAroundToday } from '../support/calendar-around-today';
import { workflowWorld } from '../support/workflow-fixture';
import { CommandSender } from './support/commands';
import { FaultBed } from './support/fault-bed';
import { printFigures, seconds } from './support/figures';
import { readyDrafts, registerApplicant } from './support/households';
import { NO_VIOLATIONS, violations } from './support/invariants';
import { PrivateRedis } from './support/private-redis';
import { atScale } from './support/scale';
import { mapLimit, waitUntil } from './support/wait';

/**
 * The quick scale rebuilds through a worker's start-up reconcile (a new
 * worker joins); the full scale waits for the running workers' periodic one
 * (every minute), the path that needs no one to act.
 */
const { pending, rebuildBy, timeoutMs } = atScale({
  quick: { pending: 100, rebuildBy: 'start-up' as const, timeoutMs: 5 * 60_000 },
  full: { pending: 1_000, rebuildBy: 'periodic' as const, timeoutMs: 20 * 60_000 },
});

/** A campaign open today (the bed runs a calendar that knows the weeks around it). */
function campaignAroundToday(countyId: string) {
  return { name: 'fault-redis-wipe', countyId, referenceIncome: 20000, ...windowAroundToday() };
}

/**
 * Under the system clock every review deadline and notice end is a delayed
 * BullMQ job and a row in `timers`. The test's own Redis loses everything
 * (FLUSHALL) while they are pending: the workers must rebuild every one from
 * PostgreSQL, and each must fire once, never before it is due.
 */
describe('a Redis wipe with review deadlines and notice ends pending', () => {
  let redis: PrivateRedis | undefined;
  let bed: FaultBed | undefined;

  afterAll(async () => {
    await bed?.close();
    await redis?.down();
  }, 120_000);

  it(
    `rebuilds all ${pending} pending timers from PostgreSQL (${rebuildBy} reconcile) and fires each once, none early`,
    async () => {
      redis = await PrivateRedis.start();
      bed = await FaultBed.start({ name: 'redis-wipe', redis, clock: 'system', workers: 2 });
      const db = bed.db;
      const world = await workflowWorld(bed.api);
      const campaign = await bed.client.post('/api/campaigns', {
        token: world.admin,
        body: campaignAroundToday(world.tree.countyId),
      });
      expect(campaign.status).toBe(201);
      const applicant = await registerApplicant(bed);
      const ids = await readyDrafts(
        bed,
        applicant,
        { campaignId: campaign.body.id, communityId: world.tree.towns[0].communities[0] },
        pending,
      );

      // Half stay in community review (a deadline pending), half are approved (a notice end pending).
      const sender = new CommandSender(bed.client);
      const approved = ids.slice(0, pending / 2);
      await mapLimit(ids, 16, (id) =>
        sender.post(`/api/applications/${id}/submit`, {
          token: applicant.token,
          idempotencyKey: `submit-${id}`,
        }),
      );
      await mapLimit(approved, 16, (id) =>
        sender.post(`/api/applications/${id}/decisions`, {
          token: world.community.token,
          idempotencyKey: `approve-${id}`,
          body: { decision: 'approve', opinion: '经调查核实', signature: world.community.name },
        }),
      );
      expect(sender.summary()).toBe(`200×${pending + approved.length}`);
      const timers: { id: string; kind: string }[] = await db.query(
        `SELECT id, kind FROM timers WHERE fired_at IS NULL AND cancelled_at IS NULL ORDER BY id`,
      );
      expect(timers).toHaveLength(pending);
      const timerIds = timers.map((t) => t.id);
      const jobsBefore = await timerJobsInRedis(redis, timerIds);

      // As if the days had passed: every pending timer comes due in the next 20 s, some
      // before the rebuild is done (they fire late), some after (they must wait for their
      // instant). The jobs in Redis still wait for the old instants; only a rebuild fires them.
      await db.query(
        `UPDATE timers SET due_at = now() + interval '1 millisecond' * random() * 20000
          WHERE id = ANY($1::text[])`,
        [timerIds],
      );
      await redis.flushAll();
      const wipedAt = Date.now();
      const keysAfterWipe = await redis.withClient((c) => c.dbsize());

      if (rebuildBy === 'start-up') await bed.startWorker().ready;
      let rebuiltAfterMs = 0;
      await waitUntil(
        async () => {
          const rebuilt = await rebuiltCount(bed!, redis!, timerIds);
          if (rebuilt === timerIds.length && rebuiltAfterMs === 0)
            rebuiltAfterMs = Date.now() - wipedAt;
          return rebuilt === timerIds.length;
        },
        timeoutMs / 2,
        'every pending timer back in Redis or fired',
        250,
      );
      await waitUntil(
        async () => (await firedCount(bed!, timerIds)) === timerIds.length,
        timeoutMs / 2,
        'every pending timer fired',
        500,
      );
      const allFiredAfterMs = Date.now() - wipedAt;

      const perApplication: { type: string; n: string; apps: string }[] = await db.query(
        `SELECT type, count(*) AS n, count(DISTINCT application_id) AS apps FROM application_history
          WHERE type IN ('review_overdue', 'notice_end') GROUP BY type ORDER BY type`,
      );
      const [lateness]: { max_ms: number | null }[] = await db.query(
        `SELECT max(extract(epoch FROM fired_at - due_at) * 1000)::int AS max_ms FROM timers WHERE id = ANY($1::text[])`,
        [timerIds],
      );
      const [{ n: alerts }]: { n: string }[] = await db.query(
        `SELECT count(*) AS n FROM alerts WHERE kind = 'overdue'`,
      );
      const found = await violations(db);

      printFigures('Redis wipe (FLUSHALL) with timers pending', {
        'pending timers': `${pending} (${timers.filter((t) => t.kind === 'review_deadline').length} deadlines, ${timers.filter((t) => t.kind === 'notice_end').length} notice ends)`,
        'timer jobs in Redis before the wipe': jobsBefore,
        'keys in Redis after the wipe': keysAfterWipe,
        'rebuilt by': `${rebuildBy} reconcile`,
        'all rebuilt (in Redis or fired) after': seconds(rebuiltAfterMs),
        'all fired after': seconds(allFiredAfterMs),
        'latest firing after its due instant': seconds(lateness.max_ms ?? 0),
        'history entries (type: entries/applications)': perApplication
          .map((r) => `${r.type}: ${r.n}/${r.apps}`)
          .join(', '),
        alerts,
        ...found,
      });

      expect(jobsBefore).toBe(pending);
      expect(keysAfterWipe).toBe(0);
      expect(perApplication).toEqual([
        { type: 'notice_end', n: String(pending / 2), apps: String(pending / 2) },
        { type: 'review_overdue', n: String(pending / 2), apps: String(pending / 2) },
      ]);
      expect(Number(alerts)).toBe(pending / 2);
      // Includes "fired before due" and "fired and cancelled".
      expect(found).toEqual(NO_VIOLATIONS);
    },
    timeoutMs,
  );
});

const jobKey = (id: string): string => `hs-fault:bull:transitions:${id}`;

/** How many of these timers have their job in Redis (the job id is the timer id). */
async function timerJobsInRedis(redis: PrivateRedis, ids: string[]): Promise<number> {
  return redis.withClient(async (c) => {
    const found = await c.pipeline(ids.map((id) => ['exists', jobKey(id)])).exec();
    return (found ?? []).filter(([, n]) => n === 1).length;
  });
}

async function firedCount(bed: FaultBed, ids: string[]): Promise<number> {
  const [{ n }]: { n: string }[] = await bed.db.query(
    `SELECT count(*) AS n FROM timers WHERE id = ANY($1::text[]) AND fired_at IS NOT NULL`,
    [ids],
  );
  return Number(n);
}

/** Timers whose job is back in Redis, or that fired already (only a rebuilt job can fire them). */
async function rebuiltCount(bed: FaultBed, redis: PrivateRedis, ids: string[]): Promise<number> {
  const fired: { id: string }[] = await bed.db.query(
    `SELECT id FROM timers WHERE id = ANY($1::text[]) AND fired_at IS NOT NULL`,
    [ids],
  );
  const firedIds = new Set(fired.map((r) => r.id));
  return (
    firedIds.size +
    (await timerJobsInRedis(
      redis,
      ids.filter((id) => !firedIds.has(id)),
    ))
  );
}

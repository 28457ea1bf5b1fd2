import { createStaff } from '../factories/users.factory';
import { Reviewer, workflowWorld } from '../support/workflow-fixture';
import { moveClock } from './support/clock';
import { CommandSender } from './support/commands';
import { FaultBed } from './support/fault-bed';
import { printFigures, seconds } from './support/figures';
import { readyDrafts, registerApplicant } from './support/households';
import { NO_VIOLATIONS, violations } from './support/invariants';
import { PrivateRedis } from './support/private-redis';
import {
  entriesAfter,
  judgeApprovalRace,
  judgeNoticeEndRace,
  storedObjections,
  tally,
} from './support/race-judge';
import { approvalRace, noticeEndRace } from './support/races';
import { atScale } from './support/scale';
import { mapLimit } from './support/wait';

const { applications, timeoutMs } = atScale({
  quick: { applications: 50, timeoutMs: 5 * 60_000 },
  full: { applications: 1_000, timeoutMs: 60 * 60_000 },
});
/** Contenders per application in each round (the notice-end round: 19 requests and the timer). */
const CONTENDERS = 20;
const OBJECTIONS = 10;
const NEXT_LEVEL_APPROVALS = 8;

/**
 * Conflicting commands for one application, all at once, over two worker
 * processes: exactly one may win each conflict, every loser is told 409 with
 * the contract's code, and the history holds one entry per winning transition.
 */
describe('conflicting commands', () => {
  let redis: PrivateRedis | undefined;
  let bed: FaultBed | undefined;

  afterAll(async () => {
    await bed?.close();
    await redis?.down();
  }, 120_000);

  it(
    `gives one winner to each conflict over ${applications} applications (${CONTENDERS} contenders each)`,
    async () => {
      redis = await PrivateRedis.start();
      bed = await FaultBed.start({ name: 'conflicts', redis, clock: 'manual', workers: 2 });
      const world = await workflowWorld(bed.api);
      const community = world.tree.towns[0].communities[0];
      const colleague = async (role: string, region: string, name: string): Promise<Reviewer> => ({
        token: (await createStaff(bed!.api, world.admin, role, region, name)).token,
        name,
      });
      const community2 = await colleague('community_reviewer', community, '周社区');
      const town2 = await colleague('town_reviewer', world.tree.towns[0].id, '吴镇');
      const applicant = await registerApplicant(bed);
      const place = { campaignId: world.campaignId, communityId: community };
      const ids = await readyDrafts(bed, applicant, place, applications);
      const sender = new CommandSender(bed.client);
      await moveClock(bed, world.admin, '2025-09-26T10:00:00+08:00');
      const submitted = await mapLimit(ids, 16, (id) =>
        sender.post(`/api/applications/${id}/submit`, {
          token: applicant.token,
          idempotencyKey: `submit-${id}`,
        }),
      );
      expect(submitted.filter((r) => r.status !== 200)).toEqual([]);

      // Round 1: double approval in community review.
      let started = Date.now();
      const approvals = await approvalRace(sender, ids, [world.community, community2], CONTENDERS);
      const approvalRaceMs = Date.now() - started;
      const approvalProblems = judgeApprovalRace(approvals, await entriesAfter(bed, 1));

      // Round 2: the notices' end against objections and approvals around it.
      const notices: { id: string; application_id: string; ends_at: Date }[] = await bed.db.query(
        `SELECT id, application_id, ends_at FROM notices WHERE closed_at IS NULL`,
      );
      const end = new Date(Math.max(...notices.map((n) => n.ends_at.getTime())));
      const windowMs = Math.max(6000, applications * (CONTENDERS - 1) * 3);
      started = Date.now();
      const objectionSender = new CommandSender(bed.client);
      const race = await noticeEndRace({
        sender,
        objectionSender,
        notices: new Map(notices.map((n) => [n.application_id, n.id])),
        objections: OBJECTIONS,
        nextLevel: [world.town, town2],
        sameLevel: world.community,
        nextLevelApprovals: NEXT_LEVEL_APPROVALS,
        endNotices: async () => void (await moveClock(bed!, world.admin, end.toISOString())),
        windowMs,
        clockAtMs: windowMs / 3,
      });
      const noticeRaceMs = Date.now() - started;
      const objections = await storedObjections(bed, end);
      const notice = judgeNoticeEndRace(
        race,
        await entriesAfter(bed, 2),
        objections.perApplication,
      );
      const found = await violations(bed.db);

      printFigures('Conflicting commands', {
        applications,
        'approval race: contenders per application': CONTENDERS,
        'approval race: answers': tally(approvals),
        'approval race took': seconds(approvalRaceMs),
        'notice-end race: contenders per application': `${OBJECTIONS} objections, ${NEXT_LEVEL_APPROVALS} next-level approvals, 1 same-level approval, the timer`,
        'notice-end race: window / clock moved at': `${seconds(windowMs)} / ${seconds(windowMs / 3)}`,
        'notice-end race: answers': tally(race),
        'notice-end race took': seconds(noticeRaceMs),
        'held by objections (notice waiting)': notice.outcomes.waiting,
        'forwarded by the timer': notice.outcomes.forwarded,
        '... then approved by one next-level reviewer': notice.outcomes.forwardedAndApproved,
        'objections accepted and refused on one notice': notice.outcomes.contested,
        'objections stored at or after the end': objections.late,
        'command retries after a fault': `${sender.attempts - sender.commands} (${sender.faultCodes() || 'none'})`,
        'objection retries after a fault': `${objectionSender.attempts - objectionSender.commands} (${objectionSender.faultCodes() || 'none'})`,
        'problems (approval race, notice-end race)': `${approvalProblems.length}, ${notice.problems.length}`,
        ...found,
      });

      expect(approvalProblems).toEqual([]);
      expect(notice.problems).toEqual([]);
      expect(objections.late).toBe(0);
      expect(found).toEqual(NO_VIOLATIONS);
      // Both sides of the notice-end race were run, or the race was not tested.
      expect(notice.outcomes.waiting).toBeGreaterThan(0);
      expect(notice.outcomes.forwarded).toBeGreaterThan(0);
    },
    timeoutMs,
  );
});

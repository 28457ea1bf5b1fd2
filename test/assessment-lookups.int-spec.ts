import { randomUUID } from 'node:crypto';
import {
  Application,
  AssessmentLookupRow,
  assessmentLookups,
  assessmentLookupsOfRow,
  lookupsFrom,
} from '@app/applications';
import { Campaign } from '@app/campaigns';
import { draftIn, workflowWorld, WorkflowWorld } from './support/workflow-fixture';
import { createTestApp, resetDatabase, TestApp } from './support/test-app';

/**
 * The assessment's two lookups are written once as SQL templates and filled
 * two ways: with the members as parameters (`assessmentLookups`, a
 * transition's, from the row it locked) and with the members taken from the
 * stored household in SQL (`assessmentLookupsOfRow`, GET application's). The
 * two filter the members by the same shapes, one as JS regexes and one as
 * POSIX ones. Stored households are validated at save; this test stores odd
 * ones directly, and the two must still answer alike, or a GET and the
 * transition after it could disagree about the same household's eligibility.
 */
describe('the assessment’s lookups, from parameters and from the stored row', () => {
  let t: TestApp;
  let world: WorkflowWorld;
  beforeAll(async () => {
    t = await createTestApp({}, { withWorker: false });
    await resetDatabase(t);
    world = await workflowWorld(t);
  }, 60_000);
  afterAll(() => t.close());

  /** Both lookups of application `id` as it is stored, each way. */
  async function bothWays(id: string): Promise<{ fromParams: string[][]; fromRow: string[][] }> {
    const app = await t.db.getRepository(Application).findOneByOrFail({ id });
    const campaign = await t.db.getRepository(Campaign).findOneByOrFail({ id: app.campaignId });
    const params = assessmentLookups(app, campaign);
    const run = async (statement: { sql: string; params: unknown[] }): Promise<string[]> => {
      const [row]: { v: string[] | null }[] = await t.db.query(
        `SELECT (${statement.sql}) AS v`,
        statement.params,
      );
      return row.v ?? [];
    };
    const lookups = assessmentLookupsOfRow('a');
    const [row]: AssessmentLookupRow[] = await t.db.query(
      `SELECT (${lookups.local_community_ids}) AS local_community_ids,
              (${lookups.members_elsewhere}) AS members_elsewhere
         FROM applications a WHERE a.id = $1`,
      [id],
    );
    const fromRow = lookupsFrom(row);
    return {
      fromParams: [
        (await run(params.local_community_ids)).sort(),
        (await run(params.members_elsewhere)).sort(),
      ],
      fromRow: [
        [...fromRow.localCommunityIds].sort(),
        [...fromRow.idNumbersInOtherLiveApplications].sort(),
      ],
    };
  }

  it('agree on members whose community ids and ID numbers are odd or malformed', async () => {
    const { draft } = await draftIn(t, world);
    const { draft: other } = await draftIn(t, world);
    const [inCounty, alsoInCounty] = world.tree.towns[0].communities;
    const held = '110101199001011234';
    const heldInLowercase = '11010119900101123x';
    const heldByItself = '110101199001012345';
    const members = [
      { idNumber: held, hukouCommunityId: inCounty.toUpperCase() },
      { idNumber: heldInLowercase, hukouCommunityId: ` ${alsoInCounty}` },
      { idNumber: heldByItself, hukouCommunityId: randomUUID() },
      { idNumber: `${held}\n`, hukouCommunityId: `${inCounty}\n` },
      { idNumber: '1101011990', hukouCommunityId: 'not-a-uuid' },
      { idNumber: held, hukouCommunityId: alsoInCounty },
    ];
    await t.db.query(
      `UPDATE applications SET household = jsonb_set(household, '{members}', $2::jsonb) WHERE id = $1`,
      [draft.id, JSON.stringify(members)],
    );
    await t.db.query(
      `INSERT INTO live_memberships (campaign_id, id_number, application_id)
       VALUES ($1, $2, $3), ($1, $4, $3), ($1, $5, $6)`,
      [world.campaignId, held, other.id, heldInLowercase, heldByItself, draft.id],
    );

    const { fromParams, fromRow } = await bothWays(draft.id);
    expect(fromRow).toEqual(fromParams);
    // What they agree on: the county's communities however their ids were cased, and
    // the one well-formed ID number another application holds.
    expect(fromRow).toEqual([[inCounty, alsoInCounty].sort(), [held]]);
  });
});

import { createTestApp, TestApp } from './support/test-app';
import { readyDraft, workflowWorld } from './support/workflow-fixture';

/**
 * What keeps a transition's writes light (migration LighterTransitionWrites):
 * the application's UPDATE is HOT, so it writes no index entry, and the
 * recorded answer is compressed with lz4 where the server has it.
 */
describe('the schema under a transition’s writes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { withWorker: false });
  }, 60_000);
  afterAll(() => t.close());

  /**
   * The columns of `applications` no transition changes: its identity, place,
   * applicant and creation, and the archive number (set once, at the final
   * approval). Every other column (status, level, version, history head,
   * deadlines, figures, household) may change with any transition.
   */
  const UNCHANGED_BY_TRANSITIONS = [
    'id',
    'campaign_id',
    'community_id',
    'region_path',
    'applicant_user_id',
    'created_at',
    'archive_no',
  ];

  it('indexes no column of an application that a transition changes', async () => {
    const indexes: { index: string; columns: string[]; expressions: boolean }[] = await t.db.query(
      `SELECT i.indexrelid::regclass::text AS index,
              ARRAY(SELECT a.attname::text FROM pg_attribute a
                     WHERE a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)) AS columns,
              (i.indexprs IS NOT NULL OR i.indpred IS NOT NULL) AS expressions
         FROM pg_index i WHERE i.indrelid = 'applications'::regclass`,
    );
    expect(indexes.length).toBeGreaterThan(0);
    for (const { index, columns, expressions } of indexes) {
      // An expression or a predicate may read any column: none is allowed here.
      expect({ index, expressions }).toEqual({ index, expressions: false });
      expect({
        index,
        columns: columns.filter((c) => !UNCHANGED_BY_TRANSITIONS.includes(c)),
      }).toEqual({ index, columns: [] });
    }
  });

  it('updates an application in place of its old version (HOT), every changeable column changed', async () => {
    const world = await workflowWorld(t);
    const { id } = await readyDraft(t, world);
    const columns: { name: string }[] = await t.db.query(
      `SELECT attname::text AS name FROM pg_attribute
        WHERE attrelid = 'applications'::regclass AND attnum > 0 AND NOT attisdropped`,
    );
    const changeable = columns
      .map((c) => c.name)
      .filter((c) => !UNCHANGED_BY_TRANSITIONS.includes(c));
    expect(changeable).toEqual(expect.arrayContaining(['status', 'level', 'version', 'household']));
    // Each column set to itself is still a change for HOT's check, which compares the
    // indexed columns' values only; so the status is given a new value besides.
    const set = changeable.map((c) =>
      c === 'status' ? `status = 'community_review'` : `${c} = ${c}`,
    );
    const tx = t.db.createQueryRunner();
    await tx.connect();
    await tx.startTransaction();
    try {
      await tx.query(`UPDATE applications SET ${set.join(', ')} WHERE id = $1`, [id]);
      const [{ hot, updated }]: { hot: string; updated: string }[] = await tx.query(
        `SELECT pg_stat_get_xact_tuples_hot_updated('applications'::regclass) AS hot,
                pg_stat_get_xact_tuples_updated('applications'::regclass) AS updated`,
      );
      expect({ updated: Number(updated), hot: Number(hot) }).toEqual({ updated: 1, hot: 1 });
    } finally {
      await tx.rollbackTransaction();
      await tx.release();
    }
  });

  it('leaves room for the next versions on each page of applications', async () => {
    const [{ options }]: { options: string[] | null }[] = await t.db.query(
      `SELECT reloptions AS options FROM pg_class WHERE oid = 'applications'::regclass`,
    );
    expect(options).toContain('fillfactor=80');
  });

  it('compresses the recorded answers with lz4 when the server has it', async () => {
    const [{ lz4, method }]: { lz4: boolean; method: string }[] = await t.db.query(
      `SELECT EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression'
                                                   AND 'lz4' = ANY(enumvals)) AS lz4,
              (SELECT attcompression::text FROM pg_attribute
                WHERE attrelid = 'command_results'::regclass AND attname = 'body') AS method`,
    );
    // 'l' is lz4; '' is the server's default (pglz), where lz4 was not built in.
    expect(method).toBe(lz4 ? 'l' : '');
  });
});

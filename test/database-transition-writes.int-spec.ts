import { createTestApp, resetDatabase, TestApp } from './support/test-app';
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
    // The world's staff are named by a per-file serial: another file's, left in
    // the database, would hold the same names.
    await resetDatabase(t);
  }, 60_000);
  afterAll(() => t.close());

  /**
   * The columns of `applications` no transition changes: its identity, place,
   * applicant and creation. Every other column (status, level, version,
   * history head, deadlines, figures, household) may change with any transition.
   */
  const NEVER_CHANGED = [
    'id',
    'campaign_id',
    'community_id',
    'region_path',
    'applicant_user_id',
    'created_at',
  ];
  /**
   * Set once, by the final approval, whose updates are not HOT (the archive
   * number is unique): indexed, for the registers and statistics of the approved.
   */
  const SET_BY_THE_FINAL_APPROVAL = ['archive_no', 'approved_at'];
  const INDEXABLE = [...NEVER_CHANGED, ...SET_BY_THE_FINAL_APPROVAL];

  it('indexes no column of an application that any transition but the final approval changes', async () => {
    const indexes: {
      index: string;
      keyed: string[];
      expressions: boolean;
      predicate: string | null;
    }[] = await t.db.query(
      `SELECT i.indexrelid::regclass::text AS index,
              ARRAY(SELECT a.attname::text FROM pg_attribute a
                     WHERE a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)) AS keyed,
              i.indexprs IS NOT NULL AS expressions,
              pg_get_expr(i.indpred, i.indrelid) AS predicate
         FROM pg_index i WHERE i.indrelid = 'applications'::regclass`,
    );
    const all = (await tableColumns()).map((c) => c.name);
    expect(indexes.map((i) => i.index)).toContain('applications_approved_idx');
    for (const { index, keyed, expressions, predicate } of indexes) {
      // An expression may read any column: none is allowed here. A column the
      // predicate reads counts as indexed for HOT, as a keyed one does.
      expect({ index, expressions }).toEqual({ index, expressions: false });
      const read = all.filter(
        (c) => predicate !== null && new RegExp(`\\b${c}\\b`).test(predicate),
      );
      const indexed = [...new Set([...keyed, ...read])];
      expect({ index, changing: indexed.filter((c) => !INDEXABLE.includes(c)) }).toEqual({
        index,
        changing: [],
      });
    }
  });

  async function tableColumns(): Promise<{ name: string }[]> {
    return t.db.query(
      `SELECT attname::text AS name FROM pg_attribute
        WHERE attrelid = 'applications'::regclass AND attnum > 0 AND NOT attisdropped`,
    );
  }

  it('updates an application’s status in place of its old version (HOT)', async () => {
    const world = await workflowWorld(t);
    const { id } = await readyDraft(t, world);
    const tx = t.db.createQueryRunner();
    await tx.connect();
    await tx.startTransaction();
    try {
      // A transition's row update: status, version and the chain's head (which
      // columns may change at all is the test above).
      await tx.query(
        `UPDATE applications SET status = 'community_review', level = 'community',
                version = version + 1, history_length = history_length + 1,
                history_head = repeat('0', 64), updated_at = now()
          WHERE id = $1`,
        [id],
      );
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

  it('compresses a recorded answer with lz4 when the server has it', async () => {
    const [{ lz4 }]: { lz4: boolean }[] = await t.db.query(
      `SELECT EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression'
                                                 AND 'lz4' = ANY(enumvals)) AS lz4`,
    );
    // An answer the size of an application's view, compressible as JSON is.
    const body = {
      materials: Array.from({ length: 40 }, (_, i) => ({ id: i, type: 'survey_form' })),
    };
    const tx = t.db.createQueryRunner();
    await tx.connect();
    await tx.startTransaction();
    try {
      await tx.query(
        `INSERT INTO command_results (job_id, status_code, body) VALUES ('compression-probe', 200, $1)`,
        [JSON.stringify({ ...body, padding: 'x'.repeat(3000) })],
      );
      // Read back as stored (RETURNING would see the value before it was compressed).
      const [{ method }]: { method: string }[] = await tx.query(
        `SELECT pg_column_compression(body) AS method FROM command_results
          WHERE job_id = 'compression-probe'`,
      );
      expect(method).toBe(lz4 ? 'lz4' : 'pglz');
    } finally {
      await tx.rollbackTransaction();
      await tx.release();
    }
  });
});

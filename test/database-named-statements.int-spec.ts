import { QueryRunner } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { Application, applicationWith, applicationWithSql, VIEW_READ } from '@app/applications';
import { marksGenericPlan, onGenericPlan, SWITCH_TO_GENERIC_PLANS } from '@app/database';
import { planCacheMode } from './support/plan-cache-mode';
import { createTestApp, TestApp } from './support/test-app';

interface PreparedRow {
  name: string;
  statement: string;
  generic_plans: string;
  custom_plans: string;
}

/** How often a prepared statement was planned: generic, then custom. */
const planCounts = (row: PreparedRow): [number, number] => [
  Number(row.generic_plans),
  Number(row.custom_plans),
];

/** The statements prepared on `on`'s connection whose text holds `marker` (a constant of the test's). */
const preparedWith = (on: QueryRunner, marker: string): Promise<PreparedRow[]> =>
  on.query(
    `SELECT name, statement, generic_plans, custom_plans FROM pg_prepared_statements
      WHERE statement LIKE '%${marker}%'`,
  );

/**
 * The service's connections parse a parameterised statement once and plan it
 * at every execution for its own values (docs/performance.md, "Named
 * statements, planned each time"): never PostgreSQL's default switch to one
 * generic plan after five executions.
 */
describe('named statements on the service’s connections', () => {
  let t: TestApp;
  let runner: QueryRunner;
  beforeAll(async () => {
    t = await createTestApp({}, { withWorker: false });
    runner = t.db.createQueryRunner();
    await runner.connect();
  }, 60_000);
  afterAll(async () => {
    await runner.release();
    await t.close();
  });

  it('prepares a statement once and plans every execution for its values', async () => {
    const sql = `SELECT count(*)::int AS n FROM regions WHERE id <> $1 /* named_statement_probe */`;
    for (let i = 0; i < 8; i++) {
      const [row]: { n: number }[] = await runner.query(sql, [
        '00000000-0000-0000-0000-000000000000',
      ]);
      expect(typeof row.n).toBe('number');
    }
    const rows = await preparedWith(runner, 'named_statement_probe');
    expect(rows).toHaveLength(1);
    expect(rows[0].name).toMatch(/^s_[0-9a-f]{24}$/);
    expect(rows[0].statement).toBe(sql);
    expect(Number(rows[0].custom_plans)).toBe(8);
    expect(Number(rows[0].generic_plans)).toBe(0);

    expect(await planCacheMode(runner)).toBe('force_custom_plan');
  });

  it('still answers a statement’s errors as before', async () => {
    const sql = `SELECT $1::int AS n /* named_statement_probe_error */`;
    await expect(runner.query(sql, ['not a number'])).rejects.toThrow(
      'invalid input syntax for type integer',
    );
    const [row]: { n: number }[] = await runner.query(sql, ['7']);
    expect(row.n).toBe(7);
  });

  it('never names a text that selects `*`: its columns are whatever the schema has', async () => {
    await runner.query(`SELECT * FROM regions WHERE id <> $1 /* named_statement_probe_star */`, [
      '00000000-0000-0000-0000-000000000000',
    ]);
    expect(await preparedWith(runner, 'named_statement_probe_star')).toEqual([]);
  });

  it('fails a statement whose result type a migration changed once, then sends it unnamed', async () => {
    await runner.query(`CREATE TABLE named_probe_stale (id int PRIMARY KEY, v int)`);
    try {
      await runner.query(`INSERT INTO named_probe_stale VALUES (1, 42)`);
      const sql = `SELECT v FROM named_probe_stale WHERE id = $1 /* named_statement_probe_stale */`;
      expect(await runner.query(sql, [1])).toEqual([{ v: 42 }]);

      await runner.query(`ALTER TABLE named_probe_stale ALTER COLUMN v TYPE text`);
      await expect(runner.query(sql, [1])).rejects.toThrow(
        'cached plan must not change result type',
      );
      expect(await runner.query(sql, [1])).toEqual([{ v: '42' }]);
    } finally {
      await runner.query(`DROP TABLE named_probe_stale`);
    }
  });

  it('sends a value pg cannot convert unnamed, so the name stays usable', async () => {
    const sql = `SELECT $1::jsonb AS doc /* named_statement_probe_convert */`;
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(runner.query(sql, [circular])).rejects.toThrow(/circular/i);
    // pg had closed the statement on the server and could still count it as prepared.
    expect(await runner.query(sql, [{ a: 1 }])).toEqual([{ doc: { a: 1 } }]);
    expect(await runner.query(sql, [{ a: 2 }])).toEqual([{ doc: { a: 2 } }]);
  });

  /** Runs `body` in a transaction of `runner`'s switched to generic plans, and commits it. */
  async function inGenericTransaction<T>(body: () => Promise<T>): Promise<T> {
    await runner.startTransaction();
    try {
      await runner.query(`SELECT ${SWITCH_TO_GENERIC_PLANS}`);
      const result = await body();
      await runner.commitTransaction();
      return result;
    } catch (e) {
      await runner.rollbackTransaction();
      throw e;
    }
  }

  it('plans a named statement once in a transaction switched to generic plans, and each execution again after it', async () => {
    const sql = `SELECT count(*)::int AS n FROM regions WHERE id <> $1 /* named_statement_probe_generic */`;
    const run = () => runner.query(sql, ['00000000-0000-0000-0000-000000000000']);
    await inGenericTransaction(async () => {
      expect(await planCacheMode(runner)).toBe('force_generic_plan');
      for (let i = 0; i < 3; i++) await run();
    });
    expect(await planCacheMode(runner)).toBe('force_custom_plan');
    await run();
    const [row] = await preparedWith(runner, 'named_statement_probe_generic');
    expect(planCounts(row)).toEqual([3, 1]);

    await runner.startTransaction();
    await runner.query(`SELECT ${SWITCH_TO_GENERIC_PLANS}`);
    await runner.rollbackTransaction();
    expect(await planCacheMode(runner)).toBe('force_custom_plan');
  });

  it('runs a statement marked onGenericPlan on its generic plan, and the next statement as before', async () => {
    const probe = `SELECT count(*)::int AS n FROM regions WHERE id <> $1`;
    const marked = onGenericPlan(`${probe} /* named_statement_probe_marked */`);
    const none = '00000000-0000-0000-0000-000000000000';
    const [expected]: { n: number }[] = await runner.query(`${probe} /* unmarked */`, [none]);
    for (let i = 0; i < 3; i++) expect(await runner.query(marked, [none])).toEqual([expected]);
    expect(await planCacheMode(runner)).toBe('force_custom_plan');

    const [row] = await preparedWith(runner, 'named_statement_probe_marked');
    expect(row.statement).toBe(marked);
    expect(planCounts(row)).toEqual([3, 0]);
  });

  it('leaves the connection planning as before when a marked statement fails', async () => {
    const marked = onGenericPlan(
      `SELECT 10 / $1::int AS n /* named_statement_probe_marked_error */`,
    );
    await expect(runner.query(marked, [0])).rejects.toThrow('division by zero');
    expect(await planCacheMode(runner)).toBe('force_custom_plan');
    expect(await runner.query(marked, [5])).toEqual([{ n: 2 }]);
    const [row] = await preparedWith(runner, 'named_statement_probe_marked_error');
    expect(planCounts(row)).toEqual([2, 0]);
  });

  it('plans a marked statement as its transaction does, and leaves the transaction’s mode alone', async () => {
    const marked = onGenericPlan(
      `SELECT count(*)::int AS n FROM regions WHERE id <> $1 /* named_statement_probe_marked_tx */`,
    );
    await runner.startTransaction();
    try {
      // Its BEGIN goes with the first statement: the marked one then runs inside.
      expect(await planCacheMode(runner)).toBe('force_custom_plan');
      await runner.query(marked, ['00000000-0000-0000-0000-000000000000']);
      expect(await planCacheMode(runner)).toBe('force_custom_plan');
    } finally {
      await runner.commitTransaction();
    }
    const [row] = await preparedWith(runner, 'named_statement_probe_marked_tx');
    expect(planCounts(row)).toEqual([0, 1]);
  });

  it('does not switch a marked statement sent while the transaction’s BEGIN is still unanswered', async () => {
    const marked = onGenericPlan(`SELECT $1::int AS n /* named_statement_probe_marked_busy */`);
    await runner.startTransaction();
    try {
      // Both at once: the first carries the BEGIN; the second is sent before its answer.
      await Promise.all([
        runner.query(`SELECT $1::int AS n /* named_statement_probe_first */`, [1]),
        runner.query(marked, [2]),
      ]);
      expect(await planCacheMode(runner)).toBe('force_custom_plan');
    } finally {
      await runner.rollbackTransaction();
    }
    const [row] = await preparedWith(runner, 'named_statement_probe_marked_busy');
    expect(planCounts(row)).toEqual([0, 1]);
  });

  it('runs GET application’s read on its generic plan', async () => {
    const read = applicationWithSql(t.db.getMetadata(Application), VIEW_READ);
    expect(marksGenericPlan(read)).toBe(true);
    expect(await applicationWith(runner.manager, randomUUID(), VIEW_READ)).toBeNull();
    const [row]: PreparedRow[] = await runner.query(
      `SELECT name, statement, generic_plans, custom_plans FROM pg_prepared_statements
        WHERE statement = $1`,
      [read],
    );
    expect(planCounts(row)).toEqual([1, 0]);
  });

  it('makes a generic plan made on an empty table anew once the connection has run on: the grown table is read by its index', async () => {
    // Never analysed by autovacuum either: an ANALYZE would remake the plan itself.
    await runner.query(
      `CREATE TABLE named_probe_growth (id serial PRIMARY KEY, k int NOT NULL)
         WITH (autovacuum_enabled = false)`,
    );
    try {
      await runner.query(`CREATE INDEX named_probe_growth_k_idx ON named_probe_growth (k)`);
      // Analysed empty, as a new county's tables are: the planner believes it.
      await runner.query(`ANALYZE named_probe_growth`);
      const sql = `SELECT count(*)::int AS n FROM named_probe_growth WHERE k = $1 /* named_statement_probe_growth */`;
      const cachedPlan = async (): Promise<string> => {
        await runner.query(sql, [7]);
        const [{ name }] = await preparedWith(runner, 'named_statement_probe_growth');
        const rows: { 'QUERY PLAN': string }[] = await runner.query(`EXPLAIN EXECUTE ${name}(7)`);
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      };

      expect(await inGenericTransaction(cachedPlan)).toContain('Seq Scan');
      await runner.query(
        `INSERT INTO named_probe_growth (k) SELECT g % 1000 FROM generate_series(1, 50000) g`,
      );
      // More named executions than a connection's plans live (1,024 at most, pinned by
      // the client's unit test).
      const plan = await inGenericTransaction(async () => {
        for (let i = 0; i < 1100; i++) await runner.query(sql, [i]);
        return cachedPlan();
      });
      expect(plan).toContain('named_probe_growth_k_idx');
      expect(plan).not.toContain('Seq Scan');
    } finally {
      await runner.query(`DROP TABLE named_probe_growth`);
    }
  });

  it('sends them unnamed, planned as PostgreSQL chooses, with DATABASE_NAMED_STATEMENTS=false', async () => {
    const plain = await createTestApp(
      { DATABASE_NAMED_STATEMENTS: 'false' },
      { withWorker: false },
    );
    const other = plain.db.createQueryRunner();
    try {
      await other.connect();
      await other.query(`SELECT $1::int AS n /* named_statement_probe_off */`, [1]);
      expect(await preparedWith(other, 'named_statement_probe_off')).toEqual([]);
      // The mark is then a comment.
      expect(await other.query(onGenericPlan(`SELECT $1::int AS n`), [2])).toEqual([{ n: 2 }]);
      expect(await planCacheMode(other)).toBe('auto');
    } finally {
      await other.release();
      await plain.close();
    }
  }, 60_000);
});

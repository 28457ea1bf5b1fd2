import { DataSource, QueryFailedError } from 'typeorm';
import { applicationById } from '@app/applications';
import { prepared, usePreparedStatements } from '@app/database';
import { createTestApp, resetDatabase, TestApp } from './support/test-app';
import { TEST_ENV } from './support/test-env';
import { draftIn, workflowWorld } from './support/workflow-fixture';

/**
 * `prepared` (libs/database) sends the hot statements as named prepared
 * statements and must answer exactly as TypeORM's `query()` does.
 */
describe('prepared statements', () => {
  let db: DataSource;
  beforeAll(async () => {
    db = await new DataSource({ type: 'postgres', url: TEST_ENV.DATABASE_URL }).initialize();
  });
  afterAll(() => db.destroy());

  it("prepares a text once on the transaction's connection and answers its rows", async () => {
    await db.transaction(async (tx) => {
      const sql = 'SELECT $1::int + 1 AS n /* prepared-test */';
      expect(await prepared(tx).query(sql, [41])).toEqual([{ n: 42 }]);
      expect(await prepared(tx).query(sql, [1])).toEqual([{ n: 2 }]);
      const statements: { statement: string }[] = await tx.query(
        `SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%prepared-test%'
            AND name LIKE 's\\_%'`,
      );
      expect(statements).toEqual([{ statement: sql }]);
    });
  });

  it('sends every text unnamed when DATABASE_PREPARED_STATEMENTS is off', async () => {
    usePreparedStatements(false);
    try {
      await db.transaction(async (tx) => {
        const sql = 'SELECT $1::int AS n /* unprepared-test */';
        await prepared(tx).query(sql, [1]);
        expect(await prepared(tx).query(sql, [2])).toEqual([{ n: 2 }]);
        const statements: unknown[] = await tx.query(
          `SELECT name FROM pg_prepared_statements WHERE statement LIKE '%unprepared-test%'`,
        );
        expect(statements).toEqual([]);
      });
    } finally {
      usePreparedStatements(true);
    }
  });

  it('answers UPDATE and DELETE as [rows, count], like TypeORM', async () => {
    await db.transaction(async (tx) => {
      await tx.query(`CREATE TEMP TABLE prepared_t (id int) ON COMMIT DROP`);
      await tx.query(`INSERT INTO prepared_t VALUES (1), (2), (3)`);
      const sql = 'UPDATE prepared_t SET id = id * 10 WHERE id > $1 RETURNING id';
      const viaTypeorm: unknown = await tx.query(sql, [5]);
      expect(await prepared(tx).query(sql, [1])).toEqual([[{ id: 20 }, { id: 30 }], 2]);
      expect(viaTypeorm).toEqual([[], 0]);
      expect(await prepared(tx).query('DELETE FROM prepared_t WHERE id = $1', [1])).toEqual([
        [],
        1,
      ]);
    });
  });

  it('works outside a transaction, on a connection of the pool', async () => {
    expect(await prepared(db).query('SELECT $1::text AS s', ['pool'])).toEqual([{ s: 'pool' }]);
    expect(await prepared(db.manager).query('SELECT $1::text AS s', ['mgr'])).toEqual([
      { s: 'mgr' },
    ]);
  });

  it("throws TypeORM's QueryFailedError with the driver's error", async () => {
    const failure: unknown = await prepared(db)
      .query('SELECT 1 / $1::int', [0])
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(QueryFailedError);
    expect((failure as QueryFailedError & { driverError: { code: string } }).driverError.code).toBe(
      '22012',
    );
  });
});

/** On a pool of one connection, so every call meets the same server session. */
describe('prepared statements on one pooled connection', () => {
  let db: DataSource;
  const pid = async () =>
    (await prepared(db).query<{ pid: number }[]>('SELECT pg_backend_pid() AS pid'))[0].pid;
  beforeAll(async () => {
    db = await new DataSource({
      type: 'postgres',
      url: TEST_ENV.DATABASE_URL,
      extra: { max: 1 },
    }).initialize();
    await db.query(`DROP TABLE IF EXISTS prepared_probe`);
    await db.query(`CREATE TABLE prepared_probe (id int)`);
    await db.query(`INSERT INTO prepared_probe VALUES (7)`);
  });
  afterAll(async () => {
    await db.query(`DROP TABLE IF EXISTS prepared_probe`);
    await db.destroy();
  });

  it('keeps the connection after an error the server answered', async () => {
    const before = await pid();
    await expect(prepared(db).query('SELECT 1 / $1::int', [0])).rejects.toThrow(QueryFailedError);
    expect(await pid()).toBe(before);
  });

  it('sends a text unnamed on a connection whose statement a migration broke', async () => {
    const sql = 'SELECT * FROM prepared_probe WHERE id > $1';
    await prepared(db).query(sql, [0]);
    expect(await prepared(db).query(sql, [0])).toEqual([{ id: 7 }]);
    await db.query(`ALTER TABLE prepared_probe ADD COLUMN note text`);
    const broken: unknown = await prepared(db)
      .query(sql, [0])
      .catch((e: unknown) => e);
    expect((broken as { driverError?: { code?: string } }).driverError?.code).toBe('0A000');
    expect(await prepared(db).query(sql, [0])).toEqual([{ id: 7, note: null }]);
  });
});

/**
 * The application's row, read as a prepared statement (GET and every
 * transition's lock), must survive a migration that adds a column while the
 * service runs: a prepared `SELECT *` would fail with "cached plan must not
 * change result type" on every connection that had prepared it.
 */
describe('the prepared read of an application', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { withWorker: false });
    await resetDatabase(t);
  }, 60_000);
  afterAll(() => t.close());

  it('still reads the row after a column is added', async () => {
    const world = await workflowWorld(t);
    const { draft } = await draftIn(t, world);
    const rolledBack = new Error('roll the column back');
    const read = t.db.transaction(async (tx) => {
      // Twice: a text is named (prepared) from its second use.
      expect((await applicationById(tx, draft.id))?.id).toBe(draft.id);
      expect((await applicationById(tx, draft.id))?.id).toBe(draft.id);
      await tx.query(`ALTER TABLE applications ADD COLUMN prepared_probe int`);
      expect((await applicationById(tx, draft.id, { forUpdate: true }))?.status).toBe('draft');
      expect((await applicationById(tx, draft.id))?.version).toBe(draft.version);
      throw rolledBack;
    });
    await expect(read).rejects.toBe(rolledBack);
  });
});

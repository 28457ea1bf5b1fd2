import { QueryRunner } from 'typeorm';
import { commitWithNextStatement, sendTogether } from '@app/database';
import { createTestApp, TestApp } from './support/test-app';

/** The parts of a connected pg client the test watches. */
interface PgClient {
  connection: { on(event: 'readyForQuery', listener: () => void): void; sync(): void };
  getTransactionStatus(): 'I' | 'T' | 'E' | null;
}

/**
 * A transaction's BEGIN goes to PostgreSQL with its first statement, and on
 * request its COMMIT with its last, one answer for both
 * (libs/database/src/pipelined-queries.ts); statements asked for together go
 * out without waiting for each other's answers (send-together.ts): a
 * transition saves round trips, and what the transaction does is unchanged.
 */
describe('transaction control sent with the transaction’s statements', () => {
  let t: TestApp;
  let runner: QueryRunner;
  let client: PgClient;
  /** ReadyForQuery messages the server sent on the runner's connection: one per round trip. */
  let answers = 0;
  /** What the connection sent (a statement's Sync) and received (its ReadyForQuery), in order. */
  let wire: ('sent' | 'answered')[] = [];
  const table = 'deferred_begin_probe';

  beforeAll(async () => {
    t = await createTestApp({}, { withWorker: false });
    runner = t.db.createQueryRunner();
    await runner.connect();
    client = (runner as unknown as { databaseConnection: PgClient }).databaseConnection;
    client.connection.on('readyForQuery', () => {
      answers += 1;
      wire.push('answered');
    });
    // The client's DISCARD PLANS, every so many named executions, would add a
    // round trip to the counts now and then: not on this connection.
    (client as unknown as { planLife: number }).planLife = Number.MAX_SAFE_INTEGER;
    await runner.query(`CREATE TABLE ${table} (id int PRIMARY KEY)`);
  }, 60_000);
  afterAll(async () => {
    try {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.query(`DROP TABLE IF EXISTS ${table}`);
    } finally {
      await runner.release();
      await t.close();
    }
  });
  beforeEach(() => {
    answers = 0;
    wire = [];
  });
  afterEach(() => jest.restoreAllMocks());

  const stored = async (id: number): Promise<number> => {
    const rows: unknown[] = await t.db.query(`SELECT id FROM ${table} WHERE id = $1`, [id]);
    return rows.length;
  };

  it('sends nothing for START TRANSACTION, then BEGIN and the statement in one round trip', async () => {
    await runner.startTransaction();
    expect(answers).toBe(0);
    expect(client.getTransactionStatus()).toBe('I');

    expect(await runner.query(`INSERT INTO ${table} VALUES ($1) RETURNING id`, [1])).toEqual([
      { id: 1 },
    ]);
    expect(answers).toBe(1);
    expect(client.getTransactionStatus()).toBe('T');
    await runner.query(`INSERT INTO ${table} VALUES ($1)`, [2]);
    // Inside the transaction: rolled back, neither row was ever stored.
    await runner.rollbackTransaction();
    expect(client.getTransactionStatus()).toBe('I');
    expect(await stored(1)).toBe(0);
    expect(await stored(2)).toBe(0);
  });

  it('commits what the transaction wrote', async () => {
    await t.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO ${table} VALUES ($1)`, [3]);
      await tx.query(`INSERT INTO ${table} VALUES ($1)`, [4]);
    });
    expect(await stored(3)).toBe(1);
    expect(await stored(4)).toBe(1);
  });

  it('leaves the transaction aborted when its first statement fails, and ROLLBACK ends it', async () => {
    await runner.startTransaction();
    await expect(runner.query(`SELECT $1::int AS n`, ['not a number'])).rejects.toThrow(
      'invalid input syntax for type integer',
    );
    // The failure came inside the transaction: it stays aborted until it ends.
    // (Asked of the server: pg may hand over the error before it reads the
    // status that follows it.)
    await expect(runner.query(`SELECT 1`)).rejects.toThrow('current transaction is aborted');
    await runner.rollbackTransaction();
    expect(await runner.query(`SELECT $1::int AS n`, ['8'])).toEqual([{ n: 8 }]);
  });

  it('parses a named statement again after its first parse failed', async () => {
    const sql = `SELECT id FROM deferred_begin_later WHERE id = $1 /* deferred_begin_probe */`;
    await runner.startTransaction();
    await expect(runner.query(sql, [1])).rejects.toThrow('does not exist');
    // Its parse went ahead of BEGIN and failed, so BEGIN never ran: the next
    // statement opens the transaction TypeORM believes open.
    await runner.query(`INSERT INTO ${table} VALUES ($1)`, [20]);
    expect(client.getTransactionStatus()).toBe('T');
    await runner.rollbackTransaction();
    expect(await stored(20)).toBe(0);
    await runner.query(`CREATE TABLE deferred_begin_later (id int PRIMARY KEY)`);
    try {
      await runner.query(`INSERT INTO deferred_begin_later VALUES (1)`);
      for (let i = 0; i < 3; i++) {
        await runner.startTransaction();
        expect(await runner.query(sql, [1])).toEqual([{ id: 1 }]);
        await runner.commitTransaction();
      }
      const prepared: unknown[] = await runner.query(
        `SELECT name FROM pg_prepared_statements WHERE statement = $1`,
        [sql],
      );
      expect(prepared).toHaveLength(1);
    } finally {
      await runner.query(`DROP TABLE deferred_begin_later`);
    }
  });

  it('sends nothing for a transaction that ran no statement', async () => {
    await runner.startTransaction();
    await runner.commitTransaction();
    await runner.startTransaction();
    await runner.rollbackTransaction();
    expect(answers).toBe(0);
    expect(client.getTransactionStatus()).toBe('I');
  });

  it('sends BEGIN ahead of a first statement without parameters', async () => {
    await runner.startTransaction();
    await runner.query(`INSERT INTO ${table} VALUES (5)`);
    expect(answers).toBe(2);
    expect(client.getTransactionStatus()).toBe('T');
    await runner.rollbackTransaction();
    expect(await stored(5)).toBe(0);
  });

  it('commits with the last statement when asked: one answer for both, and no COMMIT after', async () => {
    for (const id of [30, 31]) {
      await runner.startTransaction();
      await runner.query(`INSERT INTO ${table} VALUES ($1)`, [id]);
      answers = 0;
      expect(commitWithNextStatement(runner.manager)).toBe(true);
      expect(
        await runner.query(`INSERT INTO ${table} VALUES ($1 + 100) RETURNING id`, [id]),
      ).toEqual([{ id: id + 100 }]);
      expect(answers).toBe(1);
      expect(client.getTransactionStatus()).toBe('I');
      await runner.commitTransaction();
      expect(answers).toBe(1);
      expect(await stored(id)).toBe(1);
      expect(await stored(id + 100)).toBe(1);
    }
  });

  it('commits nothing when the last statement’s own check fails', async () => {
    await runner.startTransaction();
    await runner.query(`INSERT INTO ${table} VALUES ($1)`, [40]);
    commitWithNextStatement(runner.manager);
    await expect(
      runner.query(`SELECT housing_expect($1::int = 1, $2) AS ok`, [2, 'the probe’s check failed']),
    ).rejects.toThrow('the probe’s check failed');
    await runner.rollbackTransaction();
    expect(await stored(40)).toBe(0);
    // The request was for that statement only: the next transaction commits as usual.
    await runner.startTransaction();
    await runner.query(`INSERT INTO ${table} VALUES ($1)`, [41]);
    await runner.query(`INSERT INTO ${table} VALUES ($1)`, [42]);
    expect(client.getTransactionStatus()).toBe('T');
    await runner.commitTransaction();
    expect(await stored(41)).toBe(1);
  });

  it('refuses a ROLLBACK once the transaction committed with its last statement', async () => {
    await runner.startTransaction();
    await runner.query(`INSERT INTO ${table} VALUES ($1)`, [50]);
    commitWithNextStatement(runner.manager);
    await runner.query(`INSERT INTO ${table} VALUES ($1)`, [51]);
    await expect(runner.rollbackTransaction()).rejects.toThrow('committed with its last statement');
    expect(await stored(50)).toBe(1);
    expect(await stored(51)).toBe(1);
    // TypeORM still counts the transaction open: a ROLLBACK now goes to the server, which has none.
    await runner.rollbackTransaction();
    expect(runner.isTransactionActive).toBe(false);
  });

  it('asks for no early COMMIT outside a transaction', async () => {
    expect(commitWithNextStatement(runner.manager)).toBe(false);
    await runner.query(`INSERT INTO ${table} VALUES ($1)`, [55]);
    expect(await stored(55)).toBe(1);
  });

  it('sends the COMMIT of a later transaction whatever flag an earlier caller left', async () => {
    // As if a caller had committed early and never ended its transaction in TypeORM.
    (client as unknown as { committedAhead: boolean }).committedAhead = true;
    await runner.startTransaction();
    await runner.query(`INSERT INTO ${table} VALUES ($1)`, [60]);
    await runner.commitTransaction();
    expect(client.getTransactionStatus()).toBe('I');
    expect(await stored(60)).toBe(1);
  });

  /** Records each Sync the connection sends in `wire`, beside the answers. */
  function watchSends(): void {
    const sync = client.connection.sync.bind(client.connection);
    jest.spyOn(client.connection, 'sync').mockImplementation(() => {
      wire.push('sent');
      sync();
    });
  }

  it('sends statements together without waiting for each answer, and only those', async () => {
    watchSends();
    const answered = await sendTogether(
      runner.manager,
      [1, 2, 3].map((n) => () => runner.query(`SELECT $1::int AS n`, [n])),
    );
    expect(answered).toEqual([[{ n: 1 }], [{ n: 2 }], [{ n: 3 }]]);
    // pg's pipeline mode: all three were on their way before the first answer came.
    expect(wire).toEqual(['sent', 'sent', 'sent', 'answered', 'answered', 'answered']);

    // Switched off again: the pool's other users of the connection send as before.
    expect((client as unknown as { pipeline: boolean }).pipeline).toBe(false);
  });

  it('throws the first failure once all are answered: those behind it failed with the transaction', async () => {
    await runner.startTransaction();
    await runner.query(`INSERT INTO ${table} VALUES ($1)`, [69]);
    const outcomes: string[] = [];
    const insert = (id: number) => () =>
      runner.query(`INSERT INTO ${table} VALUES ($1)`, [id]).then(
        () => outcomes.push(`${id} stored`),
        (e: { code: string }) => {
          outcomes.push(`${id} ${e.code}`);
          throw e;
        },
      );
    await expect(
      sendTogether(runner.manager, [insert(70), insert(70), insert(71)]),
    ).rejects.toMatchObject({ code: '23505' });
    expect(outcomes).toEqual(['70 stored', '70 23505', '71 25P02']);
    await runner.rollbackTransaction();
    expect(await stored(69)).toBe(0);
    expect(await stored(70)).toBe(0);
    expect(await stored(71)).toBe(0);
    expect(await runner.query(`SELECT $1::int AS n`, [9])).toEqual([{ n: 9 }]);
  });

  it('sends them one by one while the transaction’s BEGIN is still owed', async () => {
    watchSends();
    await runner.startTransaction();
    await sendTogether(
      runner.manager,
      [80, 81].map((id) => () => runner.query(`INSERT INTO ${table} VALUES ($1)`, [id])),
    );
    // BEGIN went with the first, in its train; the second waited for their answer.
    expect(wire).toEqual(['sent', 'answered', 'sent', 'answered']);
    await runner.rollbackTransaction();
    expect(await stored(80)).toBe(0);
  });
});

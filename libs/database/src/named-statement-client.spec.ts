import {
  FIRST_PLAN_LIFE,
  forgetIfStale,
  LONGEST_PLAN_LIFE,
  MAX_NAMED_TEXTS,
  MAX_PREPARED_PER_CONNECTION,
  NamedStatementClient,
  planRefreshDue,
  statementName,
} from './named-statement-client';

// The clients are never connected: naming is decided before anything is sent.
describe('statementName', () => {
  it('names a statement with values by its text, the same on every connection', () => {
    const a = statementName(new NamedStatementClient(), 'SELECT $1::int', [1]);
    const b = statementName(new NamedStatementClient(), 'SELECT $1::int', [2]);
    expect(a).toMatch(/^s_[0-9a-f]{24}$/);
    expect(b).toBe(a);
    expect(statementName(new NamedStatementClient(), 'SELECT $1::text', ['x'])).not.toBe(a);
  });

  it('leaves statements without values unnamed: transaction control, DDL', () => {
    const client = new NamedStatementClient();
    expect(statementName(client, 'START TRANSACTION', undefined)).toBeNull();
    expect(statementName(client, 'SELECT 1', [])).toBeNull();
    expect(statementName(client, { text: 'SELECT $1', values: [1] }, undefined)).toBeNull();
    expect(client.prepared.size).toBe(0);
  });

  it('never names a text that selects `*`, but does one that counts them', () => {
    const client = new NamedStatementClient();
    expect(statementName(client, 'SELECT * FROM t WHERE id = $1', [1])).toBeNull();
    expect(statementName(client, 'SELECT t.* FROM t WHERE id = $1', [1])).toBeNull();
    expect(statementName(client, 'SELECT a, * FROM t WHERE id = $1', [1])).toBeNull();
    expect(statementName(client, 'UPDATE t SET a = $1 RETURNING *', [1])).toBeNull();
    expect(statementName(client, 'SELECT count(*) FROM t WHERE id = $1', [1])).not.toBeNull();
  });

  it('stops naming a text PostgreSQL refused since its result type changed', () => {
    const text = 'SELECT v FROM stale_probe WHERE id = $1';
    expect(statementName(new NamedStatementClient(), text, [1])).not.toBeNull();
    forgetIfStale(text, { code: '0A000', message: 'feature not supported' });
    expect(statementName(new NamedStatementClient(), text, [1])).not.toBeNull();
    forgetIfStale(text, { code: '42P01', message: 'cached plan must not change result type' });
    expect(statementName(new NamedStatementClient(), text, [1])).not.toBeNull();
    forgetIfStale(text, { code: '0A000', message: 'cached plan must not change result type' });
    expect(statementName(new NamedStatementClient(), text, [1])).toBeNull();
  });

  it('prepares at most so many statements on one connection, and keeps using those', () => {
    const client = new NamedStatementClient();
    const first = statementName(client, 'SELECT $1 AS n0', [0]);
    for (let i = 1; i < MAX_PREPARED_PER_CONNECTION; i++)
      expect(statementName(client, `SELECT $1 AS n${i}`, [i])).not.toBeNull();
    expect(client.prepared.size).toBe(MAX_PREPARED_PER_CONNECTION);

    expect(statementName(client, 'SELECT $1 AS one_too_many', [1])).toBeNull();
    expect(statementName(client, 'SELECT $1 AS n0', [0])).toBe(first);
    expect(client.prepared.size).toBe(MAX_PREPARED_PER_CONNECTION);
    // Another connection has room of its own.
    expect(
      statementName(new NamedStatementClient(), 'SELECT $1 AS one_too_many', [1]),
    ).not.toBeNull();
  });

  it('names at most so many texts in a process, then sends new ones unnamed', () => {
    const known = 'SELECT $1 AS known';
    const name = statementName(new NamedStatementClient(), known, [1]);
    for (let i = 0; i < MAX_NAMED_TEXTS; i++)
      statementName(new NamedStatementClient(), `SELECT $1 AS text${i}`, [i]);
    expect(statementName(new NamedStatementClient(), 'SELECT $1 AS late', [1])).toBeNull();
    expect(statementName(new NamedStatementClient(), known, [1])).toBe(name);
  });
});

describe('planRefreshDue', () => {
  /** The named executions at which `client` drops its plans, over its first `runs`. */
  function refreshesOver(client: NamedStatementClient, runs: number): number[] {
    const at: number[] = [];
    for (let run = 1; run <= runs; run++) if (planRefreshDue(client)) at.push(run);
    return at;
  }

  it('drops a connection’s plans after 16 named executions, then after twice as many each time, up to every 1,024', () => {
    expect(FIRST_PLAN_LIFE).toBe(16);
    expect(LONGEST_PLAN_LIFE).toBe(1024);
    const lives = [16, 32, 64, 128, 256, 512, 1024, 1024, 1024];
    const expected = lives.map((_, i) => lives.slice(0, i + 1).reduce((a, b) => a + b, 0));
    expect(refreshesOver(new NamedStatementClient(), expected.at(-1)!)).toEqual(expected);
  });

  it('counts each connection on its own', () => {
    const busy = new NamedStatementClient();
    refreshesOver(busy, 100);
    expect(refreshesOver(new NamedStatementClient(), 16)).toEqual([16]);
  });
});

import {
  forgetIfStale,
  MAX_NAMED_TEXTS,
  MAX_PREPARED_PER_CONNECTION,
  NamedStatementClient,
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

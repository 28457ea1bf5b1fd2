import { renumbered, selectRow, WriteBatch } from './statements';

describe('renumbered', () => {
  it('moves every placeholder up by the offset, two-digit ones whole', () => {
    const params = Array.from({ length: 11 }, (_, i) => i);
    const sql = Array.from({ length: 11 }, (_, i) => `$${i + 1}`).join(', ');
    expect(renumbered({ sql, params }, 5)).toBe(
      '$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16',
    );
  });

  it('keeps a placeholder used twice as one value', () => {
    expect(renumbered({ sql: 'a = $1 OR b = $1 OR c = $2', params: [1, 2] }, 3)).toBe(
      'a = $4 OR b = $4 OR c = $5',
    );
  });

  it('refuses a placeholder without a value and a value without a placeholder', () => {
    expect(() => renumbered({ sql: 'a = $1 AND b = $2', params: [1] }, 0)).toThrow(
      'placeholder $2 has no value',
    );
    expect(() => renumbered({ sql: 'a = $1', params: [1, 2] }, 0)).toThrow(
      '2 values for 1 placeholders',
    );
    expect(() => renumbered({ sql: 'a = $0', params: [] }, 0)).toThrow('placeholder $0');
  });
});

describe('selectRow', () => {
  it('reads several subqueries as the columns of one row, their values in order', () => {
    expect(
      selectRow({
        a: { sql: 'SELECT x FROM t WHERE id = $1', params: ['t1'] },
        b: { sql: 'SELECT 1', params: [] },
        c: { sql: 'SELECT y FROM u WHERE id = $1 AND k = $2', params: ['u1', 7] },
      }),
    ).toEqual({
      sql:
        'SELECT (SELECT x FROM t WHERE id = $1) AS a,\n' +
        '       (SELECT 1) AS b,\n' +
        '       (SELECT y FROM u WHERE id = $2 AND k = $3) AS c',
      params: ['t1', 'u1', 7],
    });
  });
});

describe('WriteBatch', () => {
  it('makes each part a named CTE of one statement, with the final query last', () => {
    const batch = new WriteBatch();
    const first = batch.add({ sql: 'INSERT INTO a VALUES ($1, $2)', params: [1, 2] });
    const second = batch.add({ sql: 'UPDATE b SET x = $1 RETURNING id', params: ['x'] });
    expect([first, second, batch.size]).toEqual(['w1', 'w2', 2]);
    expect(batch.toStatement(`SELECT count(*) FROM ${second}`)).toEqual({
      sql:
        'WITH w1 AS (INSERT INTO a VALUES ($1, $2)),\n' +
        'w2 AS (UPDATE b SET x = $3 RETURNING id)\n' +
        'SELECT count(*) FROM w2',
      params: [1, 2, 'x'],
    });
  });

  it('is just the final query when nothing was added', () => {
    expect(new WriteBatch().toStatement('SELECT 2')).toEqual({ sql: 'SELECT 2', params: [] });
  });

  it('sends one statement and answers its row', async () => {
    const sent: { sql: string; params: unknown[] }[] = [];
    const batch = new WriteBatch();
    batch.add({ sql: 'DELETE FROM a WHERE id = $1', params: ['a1'] });
    const row = await batch.run(
      {
        query: <T>(sql: string, params?: unknown[]) => {
          sent.push({ sql, params: params ?? [] });
          return Promise.resolve([{ done: 1 }] as T);
        },
      },
      'SELECT 1 AS done',
    );
    expect(row).toEqual({ done: 1 });
    expect(sent).toEqual([
      { sql: 'WITH w1 AS (DELETE FROM a WHERE id = $1)\nSELECT 1 AS done', params: ['a1'] },
    ]);
  });
});

import { profileDirOf, queryKey, QueryTimings, timePgQueries } from './profile-hook';

describe('query timings', () => {
  it('keys a statement by its text, whitespace collapsed', () => {
    expect(queryKey('SELECT 1\n   FROM  t')).toBe('SELECT 1 FROM t');
  });

  it('times the promise form and the callback form of Client#query, and passes results through', async () => {
    class FakeClient {
      query(text: string | { text: string }, values?: unknown, callback?: unknown): unknown {
        const cb = typeof values === 'function' ? values : callback;
        if (typeof cb === 'function') {
          setTimeout(() => (cb as (e: null, r: string) => void)(null, 'cb-result'), 1);
          return undefined;
        }
        return Promise.resolve(`result of ${typeof text === 'string' ? text : text.text}`);
      }
    }
    const timings = new QueryTimings();
    timePgQueries(FakeClient as never, timings);
    const client = new FakeClient();
    await expect(client.query('SELECT 1', [])).resolves.toBe('result of SELECT 1');
    await expect(client.query({ text: 'SELECT 1' })).resolves.toBe('result of SELECT 1');
    const viaCallback = await new Promise((resolve) =>
      client.query('COMMIT', (_e: null, r: string) => resolve(r)),
    );
    expect(viaCallback).toBe('cb-result');
    expect(timings.list().map((t) => [t.text, t.count])).toEqual(
      expect.arrayContaining([
        ['SELECT 1', 2],
        ['COMMIT', 1],
      ]),
    );
  });
});

describe('profileDirOf', () => {
  it('reads the directory after the worker script, or none', () => {
    expect(profileDirOf(['node', 'main.js', '--sim-profile-dir=/tmp/p'])).toBe('/tmp/p');
    expect(profileDirOf(['node', 'main.js'])).toBeNull();
  });
});

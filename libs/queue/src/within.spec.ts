import { within } from './within';

const never = () => new Promise<never>(() => undefined);

describe('within', () => {
  it('answers what the promise settles to when it comes first', async () => {
    await expect(within(Promise.resolve('done'), 1_000, () => 'late')).resolves.toBe('done');
    await expect(within(Promise.reject(new Error('boom')), 1_000, () => 'late')).rejects.toThrow(
      'boom',
    );
  });

  it("answers, or throws, onTimeout's once the time has passed first", async () => {
    await expect(within(never(), 5, () => 'late')).resolves.toBe('late');
    await expect(
      within(never(), 5, () => {
        throw new Error('pending');
      }),
    ).rejects.toThrow('pending');
  });

  it('drops a late rejection instead of leaving it unhandled', async () => {
    let reject!: (error: Error) => void;
    const slow = new Promise<never>((_, r) => (reject = r));
    await expect(within(slow, 1, () => 'late')).resolves.toBe('late');
    reject(new Error('too late'));
    await new Promise((resolve) => setImmediate(resolve));
  });
});

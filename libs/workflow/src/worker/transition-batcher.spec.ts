import type { JobOutcome } from '@app/queue';
import type { TransitionRequest } from '../engine/transition-request';
import { TransitionBatcher } from './transition-batcher';

const request = (n: number): TransitionRequest => ({
  jobId: `job-${n}`,
  applicationId: `app-${n}`,
  actor: null,
  command: { type: 'submit' },
});
const answer = (req: TransitionRequest): JobOutcome => ({ statusCode: 200, body: req.jobId });

/** A stand-in for TransitionEngine.applyBatch that records its batches and answers when told. */
class Batches {
  readonly seen: string[][] = [];
  private readonly open: (() => void)[] = [];
  settleNext = true;

  readonly apply = async (reqs: TransitionRequest[]) => {
    this.seen.push(reqs.map((r) => r.jobId));
    if (!this.settleNext) await new Promise<void>((resolve) => this.open.push(resolve));
    return reqs.map((req): PromiseSettledResult<JobOutcome> =>
      req.jobId.endsWith('-refused')
        ? { status: 'rejected', reason: new Error(`${req.jobId} failed`) }
        : { status: 'fulfilled', value: answer(req) },
    );
  };

  /** Lets the oldest batch still running finish. */
  finishOne(): void {
    this.open.shift()?.();
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('TransitionBatcher', () => {
  it('applies what arrives in one turn of the event loop as one batch, and answers each job', async () => {
    const batches = new Batches();
    const batcher = new TransitionBatcher(batches.apply, { maxBatch: 8, inFlight: 2 });

    const answers = await Promise.all([1, 2, 3].map((n) => batcher.apply(request(n))));

    expect(batches.seen).toEqual([['job-1', 'job-2', 'job-3']]);
    expect(answers.map((a) => a.body)).toEqual(['job-1', 'job-2', 'job-3']);
    expect(batcher.pending).toBe(0);
  });

  it('cuts batches at maxBatch', async () => {
    const batches = new Batches();
    const batcher = new TransitionBatcher(batches.apply, { maxBatch: 2, inFlight: 4 });

    await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.apply(request(n))));

    expect(batches.seen).toEqual([['job-1', 'job-2'], ['job-3', 'job-4'], ['job-5']]);
  });

  it('runs at most inFlight batches; jobs arriving meanwhile wait and go together', async () => {
    const batches = new Batches();
    batches.settleNext = false;
    const batcher = new TransitionBatcher(batches.apply, { maxBatch: 8, inFlight: 1 });

    const first = batcher.apply(request(1));
    await tick();
    const later = [2, 3, 4].map((n) => batcher.apply(request(n)));
    await tick();
    expect(batches.seen).toEqual([['job-1']]);
    expect(batcher.pending).toBe(4);

    batches.settleNext = true;
    batches.finishOne();
    await Promise.all([first, ...later]);
    expect(batches.seen).toEqual([['job-1'], ['job-2', 'job-3', 'job-4']]);
  });

  it('fails only the job that failed in its batch', async () => {
    const batches = new Batches();
    const batcher = new TransitionBatcher(batches.apply, { maxBatch: 8, inFlight: 2 });
    const refused = { ...request(2), jobId: 'job-2-refused' };

    const [one, two, three] = await Promise.allSettled([
      batcher.apply(request(1)),
      batcher.apply(refused),
      batcher.apply(request(3)),
    ]);

    expect(one).toEqual({ status: 'fulfilled', value: answer(request(1)) });
    expect(two).toMatchObject({ status: 'rejected', reason: new Error('job-2-refused failed') });
    expect(three).toEqual({ status: 'fulfilled', value: answer(request(3)) });
  });

  it('fails every job of a batch whose application threw, and goes on with the next', async () => {
    let calls = 0;
    const batcher = new TransitionBatcher(
      (reqs) => {
        calls += 1;
        if (calls === 1) return Promise.reject(new Error('connection lost'));
        return Promise.resolve(
          reqs.map((req) => ({ status: 'fulfilled' as const, value: answer(req) })),
        );
      },
      { maxBatch: 8, inFlight: 1 },
    );

    const failed = await Promise.allSettled([batcher.apply(request(1)), batcher.apply(request(2))]);
    const next = await batcher.apply(request(3));

    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(next.body).toBe('job-3');
  });

  it('fails every job of a batch answered short, rather than leave one unanswered', async () => {
    const batcher = new TransitionBatcher(
      (reqs) => Promise.resolve([{ status: 'fulfilled' as const, value: answer(reqs[0]) }]),
      { maxBatch: 8, inFlight: 1 },
    );

    const results = await Promise.allSettled([
      batcher.apply(request(1)),
      batcher.apply(request(2)),
    ]);

    expect(results[0]).toMatchObject({ status: 'rejected' });
    expect(results[1]).toMatchObject({
      status: 'rejected',
      reason: new Error('a batch of 2 jobs answered 1'),
    });
  });
});

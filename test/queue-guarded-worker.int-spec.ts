import { Queue, Worker } from 'bullmq';
import { loadConfig } from '@app/config';
import { closeWithin, GuardedWorker, queueConnection } from '@app/queue';
import { TEST_ENV } from './support/test-env';
import { sleep, waitUntil } from './support/wait';

const { connection, prefix: queuePrefix } = queueConnection(loadConfig(TEST_ENV));
const prefix = `${queuePrefix}-guarded`;
const QUEUE = 'guarded-worker';
/** Short, so that a held job's lock expires within the test. */
const LOCK_MS = 1000;
/**
 * How often a worker looks for jobs whose lock expired. Short in both workers:
 * the check is shared through Redis, and the first worker's would hold the
 * next one's off for BullMQ's default 30 s.
 */
const STALLED_CHECK_MS = 500;
/** Past it, the close gives up and cuts the connections. */
const CLOSE_MS = 300;
/** Redis commands the worker may try after the cut before the test stops it (a spin). */
const SPIN_STOP = 50;

/**
 * Counts the commands a worker sends on its connection from `cutAt()` on. An
 * unguarded worker retries a job's end on the closed connection without end
 * and without yielding: past SPIN_STOP tries the counter answers with an error
 * BullMQ does not retry, so that such a regression fails this test instead of
 * hanging the whole run.
 */
async function commandsAfterCut(worker: Worker): Promise<{ count: () => number }> {
  const client = (await worker.client) as unknown as {
    sendCommand: (...args: unknown[]) => unknown;
    status: string;
  };
  const send = client.sendCommand.bind(client);
  let count = 0;
  client.sendCommand = (...args: unknown[]) => {
    if (client.status === 'end' && ++count > SPIN_STOP)
      return Promise.reject(new Error('spin stopped by the test'));
    return send(...args);
  };
  return { count: () => count };
}

describe('a worker whose connections are cut while a job runs (real BullMQ and Redis)', () => {
  let queue: Queue;

  beforeAll(() => {
    queue = new Queue(QUEUE, { connection, prefix });
  });
  afterEach(async () => {
    await queue.obliterate({ force: true });
  });
  afterAll(async () => {
    await queue.close();
  });

  /**
   * Starts a guarded worker on one job that runs until the test ends it,
   * closes the worker within CLOSE_MS (so its connections are cut), then ends the job.
   */
  async function cutWhileRunning(jobId: string, end: 'complete' | 'fail') {
    let finish: (() => void) | undefined;
    const worker = new GuardedWorker(
      QUEUE,
      () =>
        new Promise<string>((done, failed) => {
          finish = () => (end === 'complete' ? done('done') : failed(new Error('too late')));
        }),
      { connection, prefix, lockDuration: LOCK_MS, stalledInterval: STALLED_CHECK_MS },
    );
    worker.on('error', () => undefined);
    await queue.add('slow', {}, { jobId, attempts: 1 });
    await waitUntil(() => finish !== undefined, 10_000, 'the job to start');
    const commands = await commandsAfterCut(worker);
    const closed = await closeWithin(worker, CLOSE_MS);
    finish!();
    // Time for the job's end to reach the worker, and for any retries of it.
    await sleep(200);
    return { closed, commandsAfterCut: commands.count() };
  }

  it.each(['complete', 'fail'] as const)(
    'holds a job that ends (%s) after the cut: the process goes on, and the job is redelivered',
    async (end) => {
      const jobId = `slow-${end}`;
      const { closed, commandsAfterCut } = await cutWhileRunning(jobId, end);

      expect(closed).toBe('cut');
      // Its end was never sent: not one command on the closed connection.
      expect(commandsAfterCut).toBe(0);
      expect(await queue.getJobState(jobId)).toBe('active');

      // Its lock expires unrenewed, and another worker takes it up.
      const next = new Worker(QUEUE, () => Promise.resolve('again'), {
        connection,
        prefix,
        stalledInterval: STALLED_CHECK_MS,
      });
      try {
        await waitUntil(
          async () => (await queue.getJobState(jobId)) === 'completed',
          15_000,
          'the held job redelivered and completed',
        );
        const job = await queue.getJob(jobId);
        expect(job?.returnvalue).toBe('again');
      } finally {
        await next.close();
      }
    },
  );

  it('closes without a cut when its jobs end in time', async () => {
    const worker = new GuardedWorker(QUEUE, () => Promise.resolve('quick'), {
      connection,
      prefix,
    });
    await queue.add('quick', {}, { jobId: 'quick' });
    await waitUntil(
      async () => (await queue.getJobState('quick')) === 'completed',
      10_000,
      'the quick job',
    );
    expect(await closeWithin(worker, 5_000)).toBe('closed');
  });
});

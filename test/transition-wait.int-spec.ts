import { Job, Queue, QueueEvents, UnrecoverableError, Worker } from 'bullmq';
import { loadConfig } from '@app/config';
import { AppError } from '@app/http';
import { queueConnection } from '@app/queue';
import { waitForJob } from '@app/workflow';
import { TEST_ENV } from './support/test-env';

const { connection, prefix: queuePrefix } = queueConnection(loadConfig(TEST_ENV));
const prefix = `${queuePrefix}-wait`;
const QUEUE = 'transition-wait';

/** How a command's wait for its job ends, as the API answers it. */
async function answerOf(job: Job, events: QueueEvents): Promise<string> {
  try {
    await waitForJob(job, events);
    return 'finished';
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return `${error.status} ${error.code}`;
  }
}

describe("a command's wait for its job (real BullMQ and Redis)", () => {
  let queue: Queue;
  let events: QueueEvents;
  let worker: Worker;

  beforeAll(async () => {
    queue = new Queue(QUEUE, { connection, prefix });
    events = new QueueEvents(QUEUE, { connection, prefix });
    await events.waitUntilReady();
    worker = new Worker(
      QUEUE,
      (job) => {
        if (job.name === 'broken') throw new UnrecoverableError('a broken invariant');
        return Promise.resolve('done');
      },
      { connection, prefix, autorun: false },
    );
  });
  afterAll(async () => {
    await worker.close();
    await events.close();
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('is 500 TRANSITION_FAILED only for a job that failed for good; a job gone from Redis is 503 TRANSITION_PENDING', async () => {
    const gone = await queue.add('fine', {}, { jobId: 'gone' });
    await gone.remove();
    const goneAnswer = await answerOf(gone, events);

    void worker.run();
    const done = await queue.add('fine', {}, { jobId: 'done' });
    const broken = await queue.add('broken', {}, { jobId: 'broken', attempts: 1 });
    const [doneAnswer, brokenAnswer] = await Promise.all([
      answerOf(done, events),
      answerOf(broken, events),
    ]);

    expect({ doneAnswer, brokenAnswer, goneAnswer }).toEqual({
      doneAnswer: 'finished',
      brokenAnswer: '500 TRANSITION_FAILED',
      goneAnswer: '503 TRANSITION_PENDING',
    });
  });
});

import { Job, Queue, QueueEvents, UnrecoverableError, Worker } from 'bullmq';
import { loadConfig } from '@app/config';
import { AppError } from '@app/http';
import { queueConnection } from '@app/queue';
import { addAndWait, waitForJob } from '@app/workflow';
import { TEST_ENV } from './support/test-env';

const { connection, prefix: queuePrefix } = queueConnection(loadConfig(TEST_ENV));
const prefix = `${queuePrefix}-wait`;
const QUEUE = 'transition-wait';

/** The API's answer for a wait that ended in an error: its status and code. */
const answerFor = (error: AppError): string => `${error.status} ${error.code}`;

/** How a command's wait for its job ends, as the API answers it. */
async function answerOf(job: Job, events: QueueEvents): Promise<string> {
  try {
    await waitForJob(job, events);
    return 'finished';
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return answerFor(error);
  }
}

/** How the wait for a job under a fresh id ends (addAndWait), and whether Redis was asked if it had ended. */
async function freshAnswerOf(
  queue: Queue,
  events: QueueEvents,
  name: string,
  jobId: string,
  { waitMs = 10_000, delay = 0 } = {},
): Promise<{ answer: string; askedIfFinished: boolean }> {
  let askedIfFinished = false;
  const add = async () => {
    const job = await queue.add(name, {}, { jobId, attempts: 1, delay });
    const scripts = (job as unknown as { scripts: { isFinished: (...a: unknown[]) => unknown } })
      .scripts;
    const isFinished = scripts.isFinished.bind(scripts);
    scripts.isFinished = (...args: unknown[]) => {
      askedIfFinished = true;
      return isFinished(...args);
    };
    return job;
  };
  try {
    await addAndWait(queue, events, jobId, add, () => waitMs);
    return { answer: 'finished', askedIfFinished };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { answer: answerFor(error), askedIfFinished };
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

  it('hears a fresh job end without asking Redis, answers as a replay does, and stops listening', async () => {
    // The worker runs since the test above.
    const [done, broken, stalled] = await Promise.all([
      freshAnswerOf(queue, events, 'fine', 'fresh-done'),
      freshAnswerOf(queue, events, 'broken', 'fresh-broken'),
      freshAnswerOf(queue, events, 'fine', 'fresh-stalled', { waitMs: 300, delay: 60_000 }),
    ]);

    expect({ done, broken, stalled }).toEqual({
      done: { answer: 'finished', askedIfFinished: false },
      broken: { answer: '500 TRANSITION_FAILED', askedIfFinished: false },
      // Delayed past the wait: the job is still queued.
      stalled: { answer: '503 TRANSITION_PENDING', askedIfFinished: false },
    });
    for (const id of ['fresh-done', 'fresh-broken', 'fresh-stalled'])
      for (const event of [`completed:${id}`, `failed:${id}`])
        expect(events.listenerCount(event as 'completed')).toBe(0);
    expect(queue.listenerCount('closing')).toBe(0);
  });

  it("answers 'existing' when the add finds the job there already, ended or not, and stops listening", async () => {
    // The worker runs since the first test. A replayed command's job: ended, and still delayed.
    const ended = await queue.add('fine', {}, { jobId: 'again-ended' });
    await waitForJob(ended, events);
    await queue.add('fine', {}, { jobId: 'again-waiting', delay: 60_000 });
    const addAgain = (jobId: string) => () => queue.add('fine', {}, { jobId, delay: 60_000 });

    const heard = await Promise.all(
      ['again-ended', 'again-waiting', 'again-new'].map((jobId) =>
        addAndWait(queue, events, jobId, addAgain(jobId), () => 300).catch(answerFor),
      ),
    );

    // A new job delayed past the wait is pending; one found is reported, not waited for.
    expect(heard).toEqual(['existing', 'existing', '503 TRANSITION_PENDING']);
    for (const id of ['again-ended', 'again-waiting', 'again-new'])
      for (const event of [`completed:${id}`, `failed:${id}`, `duplicated:${id}`])
        expect(events.listenerCount(event as 'completed')).toBe(0);
    expect(queue.listenerCount('closing')).toBe(0);
  });

  it("answers 'existing' for a failure heard under an id that may hold a job, and 500 otherwise", async () => {
    // An earlier attempt's failure may be read from the stream before the add's `duplicated`.
    const heard = await Promise.all(
      [true, false].map((mayExist) => {
        const jobId = `broken-again-${mayExist}`;
        const add = () => queue.add('broken', {}, { jobId, attempts: 1 });
        return addAndWait(queue, events, jobId, add, () => 10_000, { mayExist }).catch(answerFor);
      }),
    );

    expect(heard).toEqual(['existing', '500 TRANSITION_FAILED']);
  });
});

import { Reviewer } from '../../support/workflow-fixture';
import { Reply } from './api-client';
import { CommandSender } from './commands';
import { mapLimit, randomBetween, sleep, Slots } from './wait';

export interface Answer {
  who: string;
  status: number;
  code?: string;
}

/** The contract's error code, or for no answer the client's error. */
const answerOf = (who: string, reply: Reply): Answer => ({
  who,
  status: reply.status,
  code: (reply.body as { code?: string; error?: string } | null)?.[
    reply.status === 0 ? 'error' : 'code'
  ],
});

/**
 * Objections in flight at once. Each comes from an address of its own, so on a
 * connection of its own, and client and server share this process: thousands
 * at once would run out of file descriptors (no answer at all, seen at 10,000).
 */
const OBJECTIONS_IN_FLIGHT = 200;

const approval = (reviewer: Reviewer) => ({
  decision: 'approve',
  opinion: '经调查核实',
  signature: reviewer.name,
});

/**
 * Double approval: for each application in review, `perApplication` approvals
 * at once, shared between two reviewers of the level. Each contender is a
 * command of its own (its own Idempotency-Key, so a fault is retried without
 * ever being confused with another contender).
 */
export async function approvalRace(
  sender: CommandSender,
  ids: string[],
  reviewers: [Reviewer, Reviewer],
  perApplication: number,
): Promise<Map<string, Answer[]>> {
  const answers = new Map<string, Answer[]>();
  // Contenders for one application queue on its row lock: many applications at
  // once keep every worker slot busy.
  await mapLimit(ids, 16, async (id) => {
    const replies = await Promise.all(
      Array.from({ length: perApplication }, (_, i) => {
        const reviewer = reviewers[i % 2];
        return sender
          .post(`/api/applications/${id}/decisions`, {
            token: reviewer.token,
            body: approval(reviewer),
            idempotencyKey: `race-${id}-${i}`,
          })
          .then((r) => answerOf('approval', r));
      }),
    );
    answers.set(id, replies);
  });
  return answers;
}

export interface NoticeEndContenders {
  sender: CommandSender;
  /** Objections are retried after a fault too, as a person would; counted apart. */
  objectionSender: CommandSender;
  /** Application id → its running notice. */
  notices: Map<string, string>;
  objections: number;
  nextLevel: [Reviewer, Reviewer];
  sameLevel: Reviewer;
  nextLevelApprovals: number;
  /** Moves the clock to the notices' end: the timer of every application fires. */
  endNotices: () => Promise<void>;
  /** The window the requests are spread over, and when in it the clock moves. */
  windowMs: number;
  clockAtMs: number;
}

/**
 * The end of the notice against everything that may arrive around it: for
 * each application, objections from the public (each from a client address of
 * its own, so the per-client rate limit does not interfere), approvals by the
 * next level (valid only once the notice has ended without objection), and a
 * late second approval by the same level. Each application's contenders
 * arrive close together (±150 ms) at a moment of its own in the window; the
 * clock moves at `clockAtMs`, so some applications are contested before the
 * end, some after, some right across it.
 */
export async function noticeEndRace(c: NoticeEndContenders): Promise<Map<string, Answer[]>> {
  const answers = new Map<string, Answer[]>();
  const objectionSlots = new Slots(OBJECTIONS_IN_FLIGHT);
  let clientSerial = 0;
  const at = (ms: number, send: () => Promise<Answer>): Promise<Answer> =>
    sleep(Math.max(0, ms)).then(send);
  const perApplication = [...c.notices.entries()].map(([id, noticeId]) => {
    const moment = randomBetween(0, c.windowMs);
    const near = () => moment + randomBetween(-150, 150);
    const sends: Promise<Answer>[] = [];
    for (let i = 0; i < c.objections; i++) {
      const localAddress = loopbackAddress(clientSerial++);
      sends.push(
        at(near(), () =>
          objectionSlots.run(() =>
            c.objectionSender
              .post(`/api/public/notices/${noticeId}/objections`, {
                body: { content: '该户在城北另有住房一套。' },
                localAddress,
              })
              .then((r) => answerOf('objection', r)),
          ),
        ),
      );
    }
    for (let i = 0; i < c.nextLevelApprovals; i++) {
      const reviewer = c.nextLevel[i % 2];
      sends.push(
        at(near(), () => approve(c.sender, id, reviewer, `next-${id}-${i}`, 'next-level approval')),
      );
    }
    sends.push(
      at(near(), () => approve(c.sender, id, c.sameLevel, `same-${id}`, 'same-level approval')),
    );
    return Promise.all(sends).then((list) => answers.set(id, list));
  });
  await Promise.all([...perApplication, sleep(c.clockAtMs).then(c.endNotices)]);
  return answers;
}

async function approve(
  sender: CommandSender,
  id: string,
  reviewer: Reviewer,
  key: string,
  who: string,
): Promise<Answer> {
  const reply = await sender.post(`/api/applications/${id}/decisions`, {
    token: reviewer.token,
    body: approval(reviewer),
    idempotencyKey: key,
  });
  return answerOf(who, reply);
}

/** 127.20.x.y: a loopback address per objector (Linux answers on all of 127.0.0.0/8). */
function loopbackAddress(serial: number): string {
  return `127.${20 + Math.floor(serial / 62_500)}.${Math.floor(serial / 250) % 250}.${(serial % 250) + 1}`;
}

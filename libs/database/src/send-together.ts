import { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import { heldConnection } from './held-connection';
import { NamedStatementClient } from './named-statement-client';

/** pg's switch for its pipeline mode: a constructor option that pg reads again at every query. */
interface PipelineSwitch {
  pipeline: boolean;
}

/**
 * Sends the statements of `tx` that `statements` start all at once, in pg's
 * pipeline mode: each goes out as soon as it is asked for, not once the one
 * before it is answered, so several cost the worker and the backend one
 * wake-up instead of one each, and a batch of transitions holds its row locks
 * for one round trip instead of one per statement (TransitionEngine.applyBatch).
 * Answers their results in order; when one fails, throws the first failure,
 * once every one of them has been answered (none is left running unheard).
 *
 * Each statement keeps its own Sync: its error is its own, and inside a
 * transaction those sent behind a failed one fail as the transaction is
 * aborted, as they would one by one.
 *
 * Switched on for these statements only, on the connection the transaction
 * holds, and off again once all are answered: the pool's other users send as
 * before (a COPY stream, which pipeline mode refuses, among them). Sent one by
 * one instead while the connection owes its transaction's BEGIN or is to
 * commit with its next statement (NamedStatementClient): those go in message
 * trains of their own, which must not share the wire with the statements
 * behind them.
 */
export async function sendTogether<T>(
  tx: EntityManager,
  statements: (() => Promise<T>)[],
): Promise<T[]> {
  const client = heldConnection(tx);
  if (!pipelinable(client)) {
    const results: T[] = [];
    for (const statement of statements) results.push(await statement());
    return results;
  }
  const pipeline = client as unknown as PipelineSwitch;
  pipeline.pipeline = true;
  try {
    // `async`: one that throws before it sends anything is a failure like the others.
    const settled = await Promise.allSettled(statements.map(async (statement) => statement()));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
  } finally {
    pipeline.pipeline = false;
  }
}

function pipelinable(client: unknown): client is Client {
  if (!(client instanceof Client) || (client as unknown as PipelineSwitch).pipeline) return false;
  return !(client instanceof NamedStatementClient && client.trainOwed);
}

import { DataSource } from 'typeorm';
import { WorkflowWorld } from '../../support/workflow-fixture';
import { FaultBed } from './fault-bed';
import { Figures, seconds } from './figures';
import { HealthProbe } from './health-probe';
import { Applicant } from './households';
import { Acknowledged, SteadyLoad } from './steady-load';
import { sleep, waitUntil } from './wait';

export interface Outage {
  down: () => Promise<void>;
  up: () => Promise<void>;
  /** How long the dependency stays away. */
  forMs: number;
}

export interface OutageRun {
  load: SteadyLoad;
  probe: HealthProbe;
  /** From the moment the dependency was gone to the moment it was started again. */
  downFrom: number;
  downUntil: number;
  elapsedMs: number;
}

/**
 * Runs a steady load over `ids`, takes the dependency away once a quarter of
 * the commands are acknowledged, brings it back after `forMs`, and waits for
 * the load to finish on its own (clients retry faults; nobody restarts anything).
 */
export async function loadThroughOutage(
  bed: FaultBed,
  world: WorkflowWorld,
  applicant: Applicant,
  ids: string[],
  outage: Outage,
): Promise<OutageRun> {
  const load = new SteadyLoad(bed, world, applicant);
  const probe = new HealthProbe(bed.client);
  const started = Date.now();
  probe.start();
  const running = load.run(ids);
  const quarter = (ids.length * SteadyLoad.COMMANDS_PER_APPLICATION) / 4;
  await waitUntil(
    () => load.acknowledged.length >= quarter,
    300_000,
    'a quarter of the load acknowledged',
  );
  await outage.down();
  const downFrom = Date.now();
  await sleep(outage.forMs);
  const downUntil = Date.now();
  await outage.up();
  await running;
  await waitUntil(
    () => probe.firstOkAfter(downUntil) !== undefined,
    120_000,
    'health answers 200 again',
  );
  await probe.stop();
  return { load, probe, downFrom, downUntil, elapsedMs: Date.now() - started };
}

/** Acknowledged commands whose transition is not in the history (seq = version - 1, same status). */
export async function lostAcknowledged(
  db: DataSource,
  acknowledged: Acknowledged[],
): Promise<number> {
  const [{ n }]: { n: string }[] = await db.query(
    `SELECT count(*) AS n FROM unnest($1::uuid[], $2::int[], $3::text[]) AS a(id, version, status)
      WHERE NOT EXISTS (SELECT 1 FROM application_history h
                         WHERE h.application_id = a.id AND h.seq = a.version - 1 AND h.to_status = a.status)`,
    [
      acknowledged.map((a) => a.applicationId),
      acknowledged.map((a) => a.version),
      acknowledged.map((a) => a.status),
    ],
  );
  return Number(n);
}

export function outageFigures(run: OutageRun): Figures {
  const { load, probe, downFrom, downUntil } = run;
  const during = probe.within(downFrom, downUntil);
  const firstOk = probe.firstOkAfter(downUntil);
  const firstAckAfter = load.acknowledged.find((a) => a.at >= downUntil);
  return {
    'commands (acknowledged)': `${load.sender.commands} (${load.acknowledged.length})`,
    'acknowledged before the outage': load.acknowledged.filter((a) => a.at < downFrom).length,
    'HTTP answers, retries included': load.sender.summary(),
    'codes of the fault answers': load.sender.faultCodes() || 'none',
    'slowest command (with retries)': seconds(load.sender.slowestMs),
    outage: seconds(downUntil - downFrom),
    'health answers during the outage': summarize(during.map((s) => s.status)),
    'health 200 again after restart': firstOk ? seconds(firstOk.answeredAt - downUntil) : 'never',
    'first command acknowledged after restart': firstAckAfter
      ? seconds(firstAckAfter.at - downUntil)
      : 'none',
    'load elapsed': seconds(run.elapsedMs),
  };
}

const summarize = (statuses: number[]): string =>
  [...new Set(statuses)]
    .sort()
    .map((s) => `${s === 0 ? 'no answer' : s}×${statuses.filter((x) => x === s).length}`)
    .join(' ');

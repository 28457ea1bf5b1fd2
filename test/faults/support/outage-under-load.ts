import { setClock } from '../../support/workflow-fixture';
import { FaultBed } from './fault-bed';
import { printFigures } from './figures';
import { draftsInWorld } from './households';
import { NO_VIOLATIONS, violations } from './invariants';
import { loadThroughOutage, lostAcknowledged, Outage, outageFigures } from './outage';

/**
 * The whole of an outage test, whatever is taken away (Redis, PostgreSQL):
 * `applications` drafts submitted and approved under a steady load while the
 * dependency is down for `outage.forMs`; then the figures, and what must hold —
 * health 503 (and only 503) meanwhile, every command acknowledged in the end,
 * none of them missing from the database, no worker dead, no invariant broken.
 * With `noServerErrors`, no command may be answered 500 either: the outage is
 * told as 503, which a client repeats.
 */
export async function outageUnderLoad(
  bed: FaultBed,
  {
    title,
    applications,
    outage,
    noServerErrors = false,
  }: { title: string; applications: number; outage: Outage; noServerErrors?: boolean },
): Promise<void> {
  const { world, applicant, ids } = await draftsInWorld(bed, applications);
  await setClock(bed.api, world.admin, '2025-09-26T10:00:00+08:00');
  const workers = bed.liveWorkers().map((w) => w.pid);

  const run = await loadThroughOutage(bed, world, applicant, ids, outage);

  const lost = await lostAcknowledged(bed.db, run.load.acknowledged);
  const finals: { status: string; n: string }[] = await bed.db.query(
    `SELECT status, count(*) AS n FROM applications GROUP BY status`,
  );
  const during = run.probe.within(run.downFrom, run.downUntil);
  const found = await violations(bed.db);
  printFigures(title, {
    applications,
    ...outageFigures(run),
    'acknowledged commands missing from the database': lost,
    'worker processes that died': workers.filter(
      (pid) => !bed.liveWorkers().some((w) => w.pid === pid),
    ).length,
    'final statuses': finals.map((f) => `${f.status}×${f.n}`).join(' '),
    ...found,
  });

  expect(during.length).toBeGreaterThan(0);
  expect(during.filter((s) => s.status !== 503)).toEqual([]);
  expect(run.load.refusals).toEqual([]);
  if (noServerErrors) expect(run.load.sender.answers.get(500) ?? 0).toBe(0);
  expect(run.load.acknowledged).toHaveLength(applications * 2);
  expect(lost).toBe(0);
  expect(finals).toEqual([{ status: 'community_notice', n: String(applications) }]);
  expect(bed.liveWorkers().map((w) => w.pid)).toEqual(workers);
  expect(found).toEqual(NO_VIOLATIONS);
}

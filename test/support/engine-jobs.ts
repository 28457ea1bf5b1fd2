import type { TransitionRequest } from '@app/workflow';
import type { TestApp } from './test-app';

/** The applicant of an application as a job's actor, as the API puts it there. */
export async function applicantActor(t: TestApp, id: string): Promise<TransitionRequest['actor']> {
  const [owner]: { id: string; name: string }[] = await t.db.query(
    `SELECT u.id, u.name FROM applications a JOIN users u ON u.id = a.applicant_user_id WHERE a.id = $1`,
    [id],
  );
  return { userId: owner.id, role: 'applicant', name: owner.name, regionPath: null };
}

/** Resolves once some statement of this database waits on a lock (the engine's write, in a race test). */
export async function someoneWaitsOnALock(t: TestApp): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const [{ n }]: { n: number }[] = await t.db.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (n > 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('nobody waited on a lock');
}

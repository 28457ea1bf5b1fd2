import type { TestApp } from '../support/test-app';

const MESSAGES = { overdue: '社区审核逾期', timer_refused: '社区公示期满后的处理未能执行' };

/**
 * An alert about an application, inserted as the engine raises one: an
 * overdue community review raised to `toLevel` (the town by default), or a
 * refused timer raised to the administrators. Each has its own instant
 * (clock_timestamp), so several about one application stay distinct.
 */
export async function raiseAlert(
  t: TestApp,
  applicationId: string,
  kind: 'overdue' | 'timer_refused',
  toLevel: string = kind === 'overdue' ? 'town' : 'admin',
): Promise<string> {
  const [{ id }] = await t.db.query<{ id: string }[]>(
    `INSERT INTO alerts (application_id, kind, level, to_level, region_path, message, created_at)
     SELECT id, $2, 'community', $3, region_path, $4, clock_timestamp()
       FROM applications WHERE id = $1
     RETURNING id`,
    [applicationId, kind, toLevel, MESSAGES[kind]],
  );
  return id;
}

import { EntityManager } from 'typeorm';
import { columnList, entityFromRow } from '@app/database';
import { Application } from './application.entity';

/**
 * One application by id in plain SQL, mapped by the entity's metadata: the
 * service's hottest reads (GET application, and every transition's row lock
 * with `forUpdate`) skip TypeORM's query building and hydration. `alsoEvaluate`
 * is a select-list expression evaluated with the read for its effect (the
 * lock's switch to generic plans); its value is not mapped.
 */
export async function applicationById(
  manager: EntityManager,
  id: string,
  { forUpdate = false, alsoEvaluate }: { forUpdate?: boolean; alsoEvaluate?: string } = {},
): Promise<Application | null> {
  const metadata = manager.connection.getMetadata(Application);
  const also = alsoEvaluate ? `, ${alsoEvaluate} AS also_evaluated` : '';
  const [row]: Record<string, unknown>[] = await manager.query(
    `SELECT ${columnList(metadata)}${also} FROM applications WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return row ? entityFromRow<Application>(metadata, row) : null;
}

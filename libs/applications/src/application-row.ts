import { EntityManager } from 'typeorm';
import { columnList, entityFromRow } from '@app/database';
import { Application } from './application.entity';

/**
 * One application by id in plain SQL, mapped by the entity's metadata: the
 * service's hottest reads (GET application, and every transition's row lock
 * with `forUpdate`) skip TypeORM's query building and hydration.
 */
export async function applicationById(
  manager: EntityManager,
  id: string,
  { forUpdate = false }: { forUpdate?: boolean } = {},
): Promise<Application | null> {
  const metadata = manager.connection.getMetadata(Application);
  const [row]: Record<string, unknown>[] = await manager.query(
    `SELECT ${columnList(metadata)} FROM applications WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return row ? entityFromRow<Application>(metadata, row) : null;
}

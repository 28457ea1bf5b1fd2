import { EntityManager } from 'typeorm';
import { columnList, entityFromRow } from '@app/database';
import { Application } from './application.entity';

/**
 * One application by id in plain SQL, mapped by the entity's metadata: the
 * service's hottest read (GET application) skips TypeORM's query building and
 * hydration. A transition's row lock does the same (`lockApplication`).
 */
export async function applicationById(
  manager: EntityManager,
  id: string,
): Promise<Application | null> {
  const metadata = manager.connection.getMetadata(Application);
  const [row]: Record<string, unknown>[] = await manager.query(
    `SELECT ${columnList(metadata)} FROM applications WHERE id = $1`,
    [id],
  );
  return row ? entityFromRow<Application>(metadata, row) : null;
}

import { EntityManager, EntityMetadata } from 'typeorm';
import { columnList, entityFromRow, onGenericPlan } from '@app/database';
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
  const read = await applicationWith(manager, id, {
    forUpdate,
    also: evaluated(alsoEvaluate),
  });
  return read?.app ?? null;
}

/**
 * Several applications, each row locked for the rest of the transaction in
 * the order of their ids (two transactions locking overlapping sets wait on
 * each other instead of deadlocking). `alsoEvaluate` as for applicationById.
 */
export async function applicationsByIdForUpdate(
  manager: EntityManager,
  ids: string[],
  alsoEvaluate?: string,
): Promise<Map<string, Application>> {
  const metadata = manager.connection.getMetadata(Application);
  const rows: Record<string, unknown>[] = await manager.query(
    `${selectApplications(metadata, evaluated(alsoEvaluate))} WHERE a.id = ANY($1::uuid[]) ORDER BY a.id FOR UPDATE`,
    [ids],
  );
  const apps = rows.map((row) => entityFromRow<Application>(metadata, row));
  return new Map(apps.map((app) => [app.id, app]));
}

export interface ReadOptions {
  forUpdate?: boolean;
  /** Select-list expressions read with the row: column name to expression, which may refer to the row as `a`. */
  also: Record<string, string>;
  /** Run on a generic plan (`onGenericPlan`): outside a transaction, for lookups by key only. */
  genericPlan?: boolean;
}

/**
 * `applicationById` with more select-list expressions read in the same
 * statement, answered beside the application as `extras`.
 */
export async function applicationWith<T = Record<string, unknown>>(
  manager: EntityManager,
  id: string,
  options: ReadOptions,
): Promise<{ app: Application; extras: T } | null> {
  const metadata = manager.connection.getMetadata(Application);
  const [row]: Record<string, unknown>[] = await manager.query(
    applicationWithSql(metadata, options),
    [id],
  );
  return row ? { app: entityFromRow<Application>(metadata, row), extras: row as T } : null;
}

/** The statement `applicationWith` runs, the application's id its only parameter. */
export function applicationWithSql(
  metadata: EntityMetadata,
  { forUpdate = false, also, genericPlan = false }: ReadOptions,
): string {
  const sql = `${selectApplications(metadata, also)} WHERE a.id = $1${forUpdate ? ' FOR UPDATE' : ''}`;
  return genericPlan ? onGenericPlan(sql) : sql;
}

/** `alsoEvaluate` as a select-list expression of its own, its value unread. */
function evaluated(alsoEvaluate: string | undefined): Record<string, string> {
  return alsoEvaluate ? { also_evaluated: alsoEvaluate } : {};
}

/** `SELECT` of every column and the `also` expressions `FROM applications a`, its WHERE to follow. */
function selectApplications(metadata: EntityMetadata, also: Record<string, string>): string {
  const extra = Object.entries(also).map(([name, sql]) => `, (${sql}) AS ${name}`);
  return `SELECT ${columnList(metadata)}${extra.join('')} FROM applications a`;
}

import { EntityMetadata, ObjectLiteral, ValueTransformer } from 'typeorm';

/**
 * Entities read and written with plain SQL on hot paths, mapped by TypeORM's
 * own metadata (column names, transformers, JSON columns), so the mapping
 * cannot drift from the entity: one `SELECT *` row becomes the entity the
 * repository would have built, and a set of changed properties becomes a
 * `SET` list of the same columns and stored values. Unlike the query builder,
 * `setClause` writes columns marked `update: false` when asked to (the
 * application's history head, which only the transition's UPDATE writes).
 */
export function entityFromRow<T extends ObjectLiteral>(
  metadata: EntityMetadata,
  row: Record<string, unknown>,
): T {
  const entity = metadata.create() as T;
  for (const column of metadata.columns) {
    const value = row[column.databaseName];
    (entity as ObjectLiteral)[column.propertyName] =
      value === undefined ? undefined : fromDatabase(column.transformer, value);
  }
  return entity;
}

const columnLists = new WeakMap<EntityMetadata, string>();

/**
 * The entity's columns as a select list: exactly what `entityFromRow` maps,
 * whatever columns a newer migration added. Made once per entity's metadata:
 * every transition's row lock and every GET application read it.
 */
export function columnList(metadata: EntityMetadata): string {
  let list = columnLists.get(metadata);
  if (list === undefined) {
    list = metadata.columns.map((c) => `"${c.databaseName}"`).join(', ');
    columnLists.set(metadata, list);
  }
  return list;
}

/**
 * `column = $k, …` for the given property values, numbering placeholders from
 * `firstPlaceholder`. JSON columns are sent as JSON text (pg would send a
 * JavaScript array as a PostgreSQL array).
 */
export function setClause(
  metadata: EntityMetadata,
  changes: ObjectLiteral,
  firstPlaceholder: number,
): { sql: string; params: unknown[] } {
  const assignments: string[] = [];
  const params: unknown[] = [];
  for (const [property, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    const column = metadata.findColumnWithPropertyName(property);
    if (!column) throw new Error(`${metadata.name} has no column for ${property}`);
    const stored = toDatabase(column.transformer, value);
    params.push(
      stored !== null && (column.type === 'jsonb' || column.type === 'json')
        ? JSON.stringify(stored)
        : stored,
    );
    assignments.push(`${column.databaseName} = $${firstPlaceholder + params.length - 1}`);
  }
  return { sql: assignments.join(', '), params };
}

function toDatabase(
  transformer: ValueTransformer | ValueTransformer[] | undefined,
  value: unknown,
) {
  if (!transformer) return value;
  const chain = Array.isArray(transformer) ? transformer : [transformer];
  return chain.reduce((v, t) => t.to(v), value);
}

function fromDatabase(
  transformer: ValueTransformer | ValueTransformer[] | undefined,
  value: unknown,
) {
  if (!transformer) return value;
  const chain = Array.isArray(transformer) ? [...transformer].reverse() : [transformer];
  return chain.reduce((v, t) => t.from(v), value);
}

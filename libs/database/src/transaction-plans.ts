/**
 * A select-list expression that runs the rest of the current transaction's
 * statements on generic plans: `SET LOCAL plan_cache_mode =
 * force_generic_plan`, without a round trip of its own. Put it in the
 * transaction's first statement; COMMIT or ROLLBACK restores the session's
 * `force_custom_plan` (see `dataSourceOptions`).
 *
 * For a transaction whose every statement reaches its rows through a key or
 * an index on its subject, whatever the values: the transition's, by
 * application (test/database-plans.int-spec.ts holds its per-application
 * writes and lookups to that on unanalysed tables). One plan then fits every
 * execution, and planning each one anew was about two fifths of
 * PostgreSQL's samples in a profile of the bench (docs/performance.md,
 * "Generic plans for the transition"). Not for anything else: a generic plan
 * cannot use an index for `region_path LIKE $1`, so a list by region would
 * scan every application.
 *
 * Only with named statements (`NamedStatementClient`), which keep their
 * generic plan across transactions and make it anew on a schedule. An
 * unnamed statement is planned at every execution whatever the mode, and a
 * generic plan would only know less of its values.
 */
export const SWITCH_TO_GENERIC_PLANS = `set_config('plan_cache_mode', 'force_generic_plan', true)`;

const GENERIC_PLAN_MARK = '/* on generic plan */ ';

/**
 * Marks one statement, run outside a transaction, to run on a generic plan:
 * the connection sends the switch to generic plans ahead of it in the same
 * message train, which holds for that statement only (`genericPlanThen` in
 * pipelined-queries.ts).
 *
 * For a statement that reaches every row it reads through a key, whatever
 * the values, and whose planning costs more than its execution: GET
 * application's read of the row, its materials and the assessment's lookups
 * took 0.66 ms to plan and 0.40 ms to run, and PostgreSQL's CPU per GET
 * fell by a third on its generic plan (docs/performance.md, "GET
 * application on a generic plan"; test/database-plans.int-spec.ts holds its
 * plan to those keys). Only with named statements (`NamedStatementClient`);
 * otherwise the mark is a comment.
 */
export function onGenericPlan(sql: string): string {
  return GENERIC_PLAN_MARK + sql;
}

/** Whether `text` was marked by `onGenericPlan`. */
export function marksGenericPlan(text: string): boolean {
  return text.startsWith(GENERIC_PLAN_MARK);
}

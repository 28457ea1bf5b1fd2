import { EntityManager } from 'typeorm';
import { Application, applicationById, applicationsByIdForUpdate } from '@app/applications';
import { SWITCH_TO_GENERIC_PLANS } from '@app/database';

/**
 * Locks the application's row for the rest of the transaction: every command
 * and timer for one application is applied one after another, whatever the
 * number of workers; a loser sees the winner's state and is refused by the rules.
 *
 * With `plans: 'generic'` the same statement switches the rest of the
 * transaction to generic plans (see SWITCH_TO_GENERIC_PLANS): the
 * transition's read and write are then planned once for many executions on a
 * connection, not at every one. Only worth it with named statements: an
 * unnamed statement is planned at every execution anyway, and a generic plan
 * knows less of its values.
 */
export function lockApplication(
  tx: EntityManager,
  id: string,
  plans: 'generic' | 'custom',
): Promise<Application | null> {
  return applicationById(tx, id, {
    forUpdate: true,
    alsoEvaluate: planSwitch(plans),
  });
}

/** `lockApplication` for a batch's rows, locked in the order of their ids; absent ones are not in the map. */
export function lockApplications(
  tx: EntityManager,
  ids: string[],
  plans: 'generic' | 'custom',
): Promise<Map<string, Application>> {
  return applicationsByIdForUpdate(tx, ids, planSwitch(plans));
}

/** What the lock also evaluates: the switch to generic plans, when asked for. */
function planSwitch(plans: 'generic' | 'custom'): string | undefined {
  return plans === 'generic' ? SWITCH_TO_GENERIC_PLANS : undefined;
}

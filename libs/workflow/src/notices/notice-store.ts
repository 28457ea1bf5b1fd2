import { Statement } from '@app/database';

/**
 * Closes the application's running notice, if any. Served by the partial
 * index of open notices by application (migration 1764400006000), never by
 * a scan of the county's whole board.
 */
export function closeNoticeStatement(applicationId: string, at: Date): Statement {
  return {
    sql: `UPDATE notices SET closed_at = $2 WHERE application_id = $1 AND closed_at IS NULL`,
    params: [applicationId, at],
  };
}

import { ApplicationFailure } from '@temporalio/activity';
import { isDatabaseUnavailable } from '../db/database-unavailable';
import { writeAttemptRows, type CarriedAuditRow } from './attempt-audit';
import type { ActivityDependencies } from './dependencies';

export interface UnwrittenAttemptAudits {
  tenantId: string;
  rows: CarriedAuditRow[];
}

/**
 * Writes the audit rows the last attempt of an action could not (the database was down), handed
 * over by the workflow from that attempt's failure. Each row has its attempt's unique key and is
 * inserted "on conflict do nothing", so writing it again (a retry, a replay) adds nothing.
 * Only an unavailable database is worth retrying; anything else would fail the same way forever.
 */
export function recordUnwrittenAttemptAuditsActivity(deps: ActivityDependencies) {
  return async function recordUnwrittenAttemptAudits({ tenantId, rows }: UnwrittenAttemptAudits): Promise<void> {
    try {
      await writeAttemptRows(deps, tenantId, rows);
    } catch (error) {
      if (isDatabaseUnavailable(error)) throw error;
      throw ApplicationFailure.fromError(error, { nonRetryable: true });
    }
  };
}

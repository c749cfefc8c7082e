/**
 * The audit rows an action's last attempt could not write while the database was down. No attempt
 * follows to write them (activities/attempt-audit.ts), so the failure carries them in its details
 * (a timeout: in its last heartbeat's) and the workflow hands them to a retrying activity. They
 * hold ids and reasons only, so history holds nothing it did not already have.
 */
import { ActivityFailure, ApplicationFailure, TimeoutFailure, patched } from '@temporalio/workflow';
import type { CarriedAuditRow, CarriedAuditRows } from '../activities/attempt-audit';
import { recordUnwrittenAttemptAudits } from './activity-profiles';

/** Meetings that failed an action before this change did not write these rows, so they replay. */
const lastAttemptAuditPatch = 'write-last-attempt-audit-rows';

/** Writes the rows the action's failure carries, if any; returns once the database has them. */
export async function writeUnwrittenAuditRows(tenantId: string, failure: unknown): Promise<void> {
  const rows = unwrittenAuditRowsOf(failure);
  if (rows.length === 0 || !patched(lastAttemptAuditPatch)) return;
  await recordUnwrittenAttemptAudits({ tenantId, rows });
}

function unwrittenAuditRowsOf(failure: unknown): CarriedAuditRow[] {
  const cause = failure instanceof ActivityFailure ? failure.cause : undefined;
  const details: unknown[] =
    cause instanceof ApplicationFailure ? (cause.details ?? []) : cause instanceof TimeoutFailure ? [cause.lastHeartbeatDetails] : [];
  return details.flatMap((detail) => {
    const rows = (detail as Partial<CarriedAuditRows> | null | undefined)?.unwrittenAuditRows;
    return Array.isArray(rows) ? rows : [];
  });
}

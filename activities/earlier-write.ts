import type { EntityManager } from '@mikro-orm/postgresql';
import { Context } from '@temporalio/activity';
import { inTenant } from '../db/tenant-scope';
import type { ActionKind } from '../domain/meeting';
import type { ActivityDependencies } from './dependencies';

export interface WriteToCheck {
  tenantId: string;
  workflowId: string;
  /** The audit action of the write, e.g. 'crm.note'. */
  auditAction: string;
  /** The card action a rep's Retry names, e.g. 'note'. */
  actionKind: ActionKind;
}

/**
 * Whether an earlier attempt may already have made this write, so the service (a CRM, Gmail) must
 * be searched by idempotency key before creating: a retry of this activity (the last attempt may have written
 * and lost its answer, or died mid-write), or any audit trace of the action for this meeting (an
 * earlier activity, a rep's Retry after attempts that all died, a previous run of the same
 * workflow id). Searching reads every record on the account, a cost a first write must not pay.
 */
export async function mayHaveWrittenBefore(deps: ActivityDependencies, write: WriteToCheck): Promise<boolean> {
  if (Context.current().info.attempt > 1) return true;
  return inTenant(deps.orm, write.tenantId, (em) => earlierWriteTraced(em, write));
}

/** mayHaveWrittenBefore inside the caller's transaction, for an activity that reads its meeting there anyway (plain SQL: every note and draft asks). */
export async function earlierWriteTraced(em: EntityManager, write: Omit<WriteToCheck, 'tenantId'>): Promise<boolean> {
  if (Context.current().info.attempt > 1) return true;
  // The tenant condition is what the ORM's tenant filter adds; row-level security applies as well.
  const [row] = await em.execute<{ traced: boolean }[]>(
    `select exists (
       select 1 from audit_log
        where tenant_id = current_setting('app.tenant_id')::uuid and workflow_id = ?
          and (action = ? or (action = 'action.retry' and target = ?))
     ) as traced`,
    [write.workflowId, write.auditAction, write.actionKind],
  );
  return row?.traced === true;
}

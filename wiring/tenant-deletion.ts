/**
 * The one code path that erases a tenant: it takes the tenant out of service, records who asked
 * (both in one transaction), then starts the deleteTenant workflow. The workflow's first step
 * refuses to delete anything without that record, so a workflow started any other way (a client
 * that reached Temporal directly) deletes nothing.
 */
import { WorkflowIdConflictPolicy, type Client } from '@temporalio/client';
import { appendAudit } from '../db/audit';
import type { Orm } from '../db/orm';
import { inTenant } from '../db/tenant-scope';
import { priorityKeys, tenantDispatch } from '../domain/task-dispatch';
import { Tenant } from '../entities';
import { deleteTenant } from '../workflows';
import { deleteTenantWorkflowId, tenantDeletionRequestedAction, type DeleteTenantResult } from '../workflows/data-lifecycle-types';
import { tenantIdSearchAttribute } from '../workflows/messages';

export interface TenantDeletionRequest {
  tenantId: string;
  /** Who asked and why: an operator's name or ticket, kept in the audit log. */
  requestedBy: string;
}

export class TenantNotFoundError extends Error {}

export async function requestTenantDeletion(orm: Orm, client: Client, taskQueue: string, request: TenantDeletionRequest): Promise<{ workflowId: string; result: Promise<DeleteTenantResult> }> {
  const requestedBy = request.requestedBy.trim();
  if (!requestedBy) throw new Error('Say who asked for the deletion (an operator name or ticket): it is kept in the audit log.');
  const workflowId = deleteTenantWorkflowId(request.tenantId);
  const plan = await inTenant(orm, request.tenantId, async (em) => {
    const tenant = await em.findOne(Tenant, { id: request.tenantId });
    if (!tenant) throw new TenantNotFoundError(`No tenant ${request.tenantId}: nothing to delete.`);
    if (tenant.status === 'active') tenant.status = 'inactive';
    appendAudit(em, {
      tenantId: request.tenantId,
      actor: 'operator',
      action: tenantDeletionRequestedAction,
      target: request.tenantId,
      result: 'success',
      workflowId,
      detail: { requestedBy },
    });
    return tenant.plan;
  });
  const handle = await client.workflow.start(deleteTenant, {
    taskQueue,
    workflowId,
    args: [{ tenantId: request.tenantId, requestedBy }],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    typedSearchAttributes: [{ key: tenantIdSearchAttribute, value: request.tenantId }],
    priority: tenantDispatch({ id: request.tenantId, plan }, priorityKeys.maintenance),
    staticSummary: 'Delete tenant (operator request)',
  });
  return { workflowId, result: handle.result() };
}

/**
 * Removes a tenant completely on request (for example a GDPR erasure): it stops resolving at
 * once, its running meetings are closed, its secrets and every row it owns are deleted. Only
 * the audit log stays, ending with the record of this deletion. Every step is safe to repeat.
 * Run one per tenant (id from deleteTenantWorkflowId).
 */
import { workflowInfo } from '@temporalio/workflow';
import { closeTenantMeetings, deleteTenantRows, deleteTenantSecrets, markTenantDeleted } from './activity-profiles';
import type { DeleteTenantInput, DeleteTenantResult } from './data-lifecycle-types';

export async function deleteTenant(input: DeleteTenantInput): Promise<DeleteTenantResult> {
  const step = { ...input, workflowId: workflowInfo().workflowId };
  await markTenantDeleted(step);
  const cancelSignalsSent = await closeTenantMeetings({
    tenantId: input.tenantId,
    reason: 'This workspace’s data was deleted.',
    workflowId: step.workflowId,
  });
  const deletedSecrets = await deleteTenantSecrets(step);
  const deletedRows = await deleteTenantRows({ ...step, deletedSecrets });
  return { deletedRows, deletedSecrets, cancelSignalsSent };
}

/**
 * Removes a tenant completely on request (for example a GDPR erasure): it stops resolving at
 * once, its running meetings are closed, its secrets and every row it owns are deleted. Only
 * the audit log stays, ending with the record of this deletion. Every step is safe to repeat.
 * Run one per tenant (id from deleteTenantWorkflowId).
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { MeetingActivities } from '../activities';
import { activityProfiles } from './activity-profiles';
import type { DeleteTenantInput, DeleteTenantResult } from './data-lifecycle-types';

const database = proxyActivities<MeetingActivities>(activityProfiles.database);
const temporal = proxyActivities<MeetingActivities>(activityProfiles.temporal);

export async function deleteTenant(input: DeleteTenantInput): Promise<DeleteTenantResult> {
  const step = { ...input, workflowId: workflowInfo().workflowId };
  await database.markTenantDeleted(step);
  const cancelSignalsSent = await temporal.closeTenantMeetings({
    tenantId: input.tenantId,
    reason: 'This workspace’s data was deleted.',
    workflowId: step.workflowId,
  });
  const deletedSecrets = await database.deleteTenantSecrets(step);
  const deletedRows = await database.deleteTenantRows({ ...step, deletedSecrets });
  return { deletedRows, deletedSecrets, cancelSignalsSent };
}

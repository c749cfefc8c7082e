/**
 * Closes a tenant down when Slack tells us the app was removed: the tenant stops resolving,
 * its bot token leaves the secret store, every meeting workflow still running is asked to
 * finish (it ends as 'cancelled'), then its CRM and Google grants are revoked and every
 * credential deleted. One run per tenant at a time (id `offboard:<tenantId>`).
 */
import { patched, sleep, workflowInfo } from '@temporalio/workflow';
import { closeTenantMeetings, deactivateTenant, removeTenantCredentials } from './activity-profiles';
import type { OffboardTenantInput, OffboardTenantResult } from './offboard-tenant-types';

/**
 * Visibility (the list of running workflows) lags behind starts, and a request that resolved
 * the tenant just before it went inactive can still start a meeting; a second look catches both.
 */
const lateStartsWindow = '30 seconds';
const cancelReason = 'The app was removed from this workspace.';

export async function offboardTenant(input: OffboardTenantInput): Promise<OffboardTenantResult> {
  const { workflowId } = workflowInfo();
  const { deactivated } = await deactivateTenant({ ...input, workflowId });
  if (!deactivated) return { deactivated: false, cancelSignalsSent: 0 };
  const closing = { tenantId: input.tenantId, reason: cancelReason, workflowId };
  let cancelSignalsSent = await closeTenantMeetings(closing);
  await sleep(lateStartsWindow);
  cancelSignalsSent += await closeTenantMeetings(closing);
  // Runs recorded before credentials were removed on uninstall replay without this step.
  if (patched('remove-tenant-credentials')) await removeTenantCredentials({ tenantId: input.tenantId, workflowId });
  return { deactivated: true, cancelSignalsSent };
}

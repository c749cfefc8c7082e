/**
 * Closes a tenant down when Slack tells us the app was removed: the tenant stops resolving,
 * its bot token leaves the secret store, and every meeting workflow still running is asked to
 * finish (it ends as 'cancelled'). One run per tenant at a time (id `offboard:<tenantId>`).
 */
import { proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { MeetingActivities } from '../activities';
import { activityProfiles } from './activity-profiles';
import type { OffboardTenantInput, OffboardTenantResult } from './offboard-tenant-types';

const database = proxyActivities<MeetingActivities>(activityProfiles.database);
const temporal = proxyActivities<MeetingActivities>(activityProfiles.temporal);

/**
 * Visibility (the list of running workflows) lags behind starts, and a request that resolved
 * the tenant just before it went inactive can still start a meeting; a second look catches both.
 */
const lateStartsWindow = '30 seconds';
const cancelReason = 'The app was removed from this workspace.';

export async function offboardTenant(input: OffboardTenantInput): Promise<OffboardTenantResult> {
  const { workflowId } = workflowInfo();
  const { deactivated } = await database.deactivateTenant({ ...input, workflowId });
  if (!deactivated) return { deactivated: false, cancelSignalsSent: 0 };
  const closing = { tenantId: input.tenantId, reason: cancelReason, workflowId };
  let cancelSignalsSent = await temporal.closeTenantMeetings(closing);
  await sleep(lateStartsWindow);
  cancelSignalsSent += await temporal.closeTenantMeetings(closing);
  return { deactivated: true, cancelSignalsSent };
}

import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { appendAudit } from '../db/audit';
import { inTenant } from '../db/tenant-scope';
import { cancelMeetingSignal, tenantIdSearchAttribute } from '../workflows/messages';
import type { CloseTenantMeetingsInput } from '../workflows/offboard-tenant-types';
import type { ActivityDependencies } from './dependencies';
import { invalidRequest } from './failures';

const meetingWorkflowType = 'meetingFollowUp';
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Asks every running meeting workflow of the tenant to close (the cancel signal; each one then
 * finishes as 'cancelled'). Found through the visibility store by search attribute, with the
 * worker's own Temporal client. Returns how many were signalled.
 */
export function closeTenantMeetingsActivity(deps: ActivityDependencies) {
  return async function closeTenantMeetings(input: CloseTenantMeetingsInput): Promise<number> {
    // The id goes into a visibility query: only a real UUID may.
    if (!uuidPattern.test(input.tenantId)) throw invalidRequest(`Not a tenant id: ${input.tenantId.slice(0, 64)}`);
    const context = Context.current();
    const client = context.client;
    const query = `WorkflowType = "${meetingWorkflowType}" AND ${tenantIdSearchAttribute.name} = "${input.tenantId}" AND ExecutionStatus = "Running"`;
    let signalled = 0;
    for await (const execution of client.workflow.list({ query })) {
      try {
        await client.workflow.getHandle(execution.workflowId, execution.runId).signal(cancelMeetingSignal, { reason: input.reason });
        signalled += 1;
      } catch (error) {
        // It finished between the listing and the signal: nothing left to close.
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
      context.heartbeat(signalled);
    }
    await inTenant(deps.orm, input.tenantId, async (em) => {
      appendAudit(em, {
        tenantId: input.tenantId,
        actor: 'system',
        action: 'tenant.meetings-closed',
        target: input.tenantId,
        result: 'success',
        workflowId: input.workflowId,
        detail: { signalled },
      });
    });
    return signalled;
  };
}

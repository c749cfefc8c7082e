import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, ActivityOutboundCallsInterceptor, GetLogAttributesInput, Next } from '@temporalio/worker';
import { withLogContext } from '../runtime/log-context';

/**
 * Every line logged about an activity names its tenant, workflow, run, activity and attempt: the
 * app's own lines (deps.logger) through the log context, the SDK's (Context.log, its failure
 * reports) through its log attributes. The tenant is the one the activity's input names.
 */
export function activityLogContext(context: Context): { inbound: ActivityInboundCallsInterceptor; outbound: ActivityOutboundCallsInterceptor } {
  let tenantId: string | undefined;
  const fields = () => {
    const { workflowExecution, activityType, attempt } = context.info;
    return { ...(tenantId ? { tenantId } : {}), workflowId: workflowExecution?.workflowId, runId: workflowExecution?.runId, activity: activityType, attempt };
  };
  return {
    inbound: {
      execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
        tenantId = tenantOf(input.args[0]);
        return withLogContext(fields(), () => next(input));
      },
    },
    outbound: {
      getLogAttributes(input: GetLogAttributesInput, next: Next<ActivityOutboundCallsInterceptor, 'getLogAttributes'>): Record<string, unknown> {
        return next({ ...input, ...fields() });
      },
    },
  };
}

/** Every tenant's activity takes `{ tenantId, … }`; the cross-tenant ones (the purge) take none. */
function tenantOf(input: unknown): string | undefined {
  const tenantId = (input as { tenantId?: unknown } | null | undefined)?.tenantId;
  return typeof tenantId === 'string' ? tenantId : undefined;
}

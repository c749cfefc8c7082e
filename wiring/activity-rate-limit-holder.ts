import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { activityCallHolder, withRateLimitHolder } from '../clients/rate-limit-holder';

/** Runs each activity of a workflow as its call's holder for the shared rate limiter (clients/rate-limit-holder.ts). */
export function activityRateLimitHolder(context: Context): { inbound: ActivityInboundCallsInterceptor } {
  return {
    inbound: {
      execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
        const { workflowExecution, activityType } = context.info;
        // An activity outside a workflow is never scheduled again by one: it has no holder.
        if (!workflowExecution) return next(input);
        return withRateLimitHolder(activityCallHolder(workflowExecution.workflowId, activityType, input.args), () => next(input));
      },
    },
  };
}

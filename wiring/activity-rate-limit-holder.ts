import { createHash } from 'node:crypto';
import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { withRateLimitHolder } from '../clients/rate-limit-holder';

/**
 * Names each activity's logical call for the shared rate limiter (clients/rate-limit-holder.ts).
 * After a deferral the workflow schedules the activity again as a new activity (a new activity id),
 * so the holder is what stays: the workflow, the activity type and its input (two calls of one type
 * in one workflow differ by input). Hashed, so the shared table holds no workflow id or tenant data.
 */
export function activityRateLimitHolder(context: Context): { inbound: ActivityInboundCallsInterceptor } {
  return {
    inbound: {
      execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
        const { workflowExecution, activityType } = context.info;
        // An activity outside a workflow is never scheduled again by one: it has no holder.
        if (!workflowExecution) return next(input);
        const holder = createHash('sha256')
          .update(`${workflowExecution.workflowId}\u0000${activityType}\u0000${JSON.stringify(input.args) ?? ''}`)
          .digest('hex')
          .slice(0, 32);
        return withRateLimitHolder(holder, () => next(input));
      },
    },
  };
}

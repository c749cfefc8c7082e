import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import type { Context } from '@temporalio/activity';
import { activityRetries } from '../runtime/metrics';

/**
 * Counts activity attempts after the first, by activity type: retries that succeed never show on
 * a card, so this is where a flaky outside service shows up before meetings start failing.
 */
export function countingActivityRetries(context: Context): { inbound: ActivityInboundCallsInterceptor } {
  return {
    inbound: {
      execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
        if (context.info.attempt > 1) activityRetries.inc({ activity: context.info.activityType });
        return next(input);
      },
    },
  };
}

/**
 * How much busy work our shared rate limiter made a set of workflows do, read from their
 * histories: each deferral (an activity attempt failed with `rate-limit-deferral` before calling
 * anything) costs an activity task, a timer and the workflow tasks around them. Per activity type:
 * how many executions were deferrals, and the most deferrals one call met before it went through.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { rateLimitDeferralType } from '../../domain/rate-limit-deferral';
import { inPool } from './pool';

const EventType = temporal.api.enums.v1.EventType;

export interface DeferralCount {
  workflows: number;
  workflowTasks: number;
  timers: number;
  byActivity: { activity: string; executions: number; deferrals: number; maxDeferralsInARow: number }[];
}

export async function historyDeferrals(client: Client, workflowIds: readonly string[]): Promise<DeferralCount> {
  const byActivity = new Map<string, { executions: number; deferrals: number; maxDeferralsInARow: number }>();
  let workflowTasks = 0;
  let timers = 0;
  await inPool(workflowIds.length, 8, async (index) => {
    const events = (await client.workflow.getHandle(workflowIds[index]!).fetchHistory()).events ?? [];
    const typeOf = new Map<number, string>();
    // Deferrals in a row of one activity type in this workflow (reset when one goes through).
    const inARow = new Map<string, number>();
    for (const event of events) {
      if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) workflowTasks++;
      if (event.eventType === EventType.EVENT_TYPE_TIMER_STARTED) timers++;
      const scheduled = event.activityTaskScheduledEventAttributes?.activityType?.name;
      if (scheduled) typeOf.set(Number(event.eventId), scheduled);
      const endedId = event.activityTaskCompletedEventAttributes?.scheduledEventId ?? event.activityTaskFailedEventAttributes?.scheduledEventId;
      const activity = endedId === undefined || endedId === null ? undefined : typeOf.get(Number(endedId));
      if (!activity) continue;
      const entry = byActivity.get(activity) ?? { executions: 0, deferrals: 0, maxDeferralsInARow: 0 };
      entry.executions++;
      if (event.activityTaskFailedEventAttributes?.failure?.applicationFailureInfo?.type === rateLimitDeferralType) {
        entry.deferrals++;
        inARow.set(activity, (inARow.get(activity) ?? 0) + 1);
        entry.maxDeferralsInARow = Math.max(entry.maxDeferralsInARow, inARow.get(activity)!);
      } else {
        inARow.set(activity, 0);
      }
      byActivity.set(activity, entry);
    }
  });
  return {
    workflows: workflowIds.length,
    workflowTasks,
    timers,
    byActivity: [...byActivity.entries()].map(([activity, entry]) => ({ activity, ...entry })).sort((a, b) => b.deferrals - a.deferrals),
  };
}

/** "draftFollowUp: 212 of 412 executions were deferrals, at most 7 in a row for one call", one line per activity type that met any. */
export function describeDeferrals(count: DeferralCount): string[] {
  return [
    `${count.workflows} workflows: ${count.workflowTasks} workflow tasks, ${count.timers} timers`,
    ...count.byActivity
      .filter((entry) => entry.deferrals > 0)
      .map((entry) => `${entry.activity}: ${entry.deferrals} of ${entry.executions} executions were deferrals by our limiter, at most ${entry.maxDeferralsInARow} in a row for one call`),
  ];
}

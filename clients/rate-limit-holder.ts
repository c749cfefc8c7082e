import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';

/**
 * Who is taking from a rate-limit bucket: one logical call, the same each time the workflow
 * schedules it again after a deferral (wiring/activity-rate-limit-holder.ts sets it around every
 * activity). The store keeps a sent-away holder's reservation under it, so the call is granted at
 * its turn instead of competing with newcomers again. Outside an activity there is none.
 */
const current = new AsyncLocalStorage<string>();

/** Runs `work` as `holder`: every rate-limit take inside it can claim the holder's reservation. */
export function withRateLimitHolder<T>(holder: string, work: () => T): T {
  return current.run(holder, work);
}

export function rateLimitHolder(): string | undefined {
  return current.getStore();
}

/**
 * The holder of one activity call of a workflow: the workflow, the activity type and its input
 * (two calls of one type in one workflow differ by input). After a deferral the workflow schedules
 * the activity again as a new activity (a new activity id), so this is what stays. The input is
 * read with its object keys sorted, so an activity that books a later call's turn ahead of it
 * (loadMeeting for the draft) names the same holder whatever order it builds that input in.
 * Hashed, so the shared table holds no workflow id or tenant data.
 */
export function activityCallHolder(workflowId: string, activityType: string, args: readonly unknown[]): string {
  return createHash('sha256')
    .update(`${workflowId}\u0000${activityType}\u0000${JSON.stringify(args, sortedKeys) ?? ''}`)
    .digest('hex')
    .slice(0, 32);
}

function sortedKeys(_key: string, value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

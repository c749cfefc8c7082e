import { AsyncLocalStorage } from 'node:async_hooks';

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

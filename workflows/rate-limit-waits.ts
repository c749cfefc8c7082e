/**
 * Waiting for a rate-limit token never counts toward giving up. An activity our shared limiter
 * defers fails at once with a non-retryable `rate-limit-deferral` (domain/rate-limit-deferral.ts)
 * carrying its turn; the workflow sleeps until that turn on a durable timer and schedules the
 * activity again, as a fresh execution with the whole of its retry policy. So a busy account makes
 * meetings wait (a timer costs no worker slot), and only real failures spend attempts.
 *
 * Why not an unlimited retry policy bounded by time: a CRM or Slack outage would then keep a rep
 * waiting until that bound instead of the few attempts each profile allows before the Retry button.
 */
import { ApplicationFailure, patched, sleep } from '@temporalio/workflow';
import { rateLimitDeferralType, type RateLimitDeferralDetails } from '../domain/rate-limit-deferral';
import { failureCause } from './failure-cause';

/** Shorter turns are slept through inside the activity; a timer never fires sooner than this. */
const shortestWaitMs = 1_000;

/** The activities of `activities`, each waiting out our limiter's deferrals and calling again. */
export function waitingOutRateLimits<T extends object>(activities: T): T {
  return new Proxy(activities, {
    get(target, name, receiver) {
      const activity = Reflect.get(target, name, receiver) as (...args: unknown[]) => Promise<unknown>;
      return async (...args: unknown[]) => {
        for (;;) {
          try {
            return await activity(...args);
          } catch (error) {
            const waitMs = deferralWait(error);
            // Histories from before this change never hold a deferral, so the patch only marks when it began.
            if (waitMs === undefined || !patched('rate-limit-waits-in-workflow')) throw error;
            await sleep(Math.max(shortestWaitMs, waitMs));
          }
        }
      };
    },
  });
}

function deferralWait(error: unknown): number | undefined {
  const cause = failureCause(error);
  if (!(cause instanceof ApplicationFailure) || cause.type !== rateLimitDeferralType) return undefined;
  const [details] = (cause.details ?? []) as (Partial<RateLimitDeferralDetails> | undefined)[];
  return typeof details?.waitMs === 'number' ? details.waitMs : shortestWaitMs;
}

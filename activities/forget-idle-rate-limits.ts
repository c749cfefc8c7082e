import { forgetIdleRateLimits } from '../db/api-rate-limits';
import type { ActivityDependencies } from './dependencies';

/** A day: far beyond any bucket's refill or any server's pause, so only dead accounts' buckets go. */
const idleForMs = 86_400_000;

/** Housekeeping of the shared rate-limit buckets (api_rate_limit), run with the daily purge. */
export function forgetIdleRateLimitsActivity(deps: ActivityDependencies) {
  return async function forgetIdleRateLimitBuckets(): Promise<{ forgotten: number }> {
    return { forgotten: await forgetIdleRateLimits(deps.maintenanceOrm, idleForMs) };
  };
}

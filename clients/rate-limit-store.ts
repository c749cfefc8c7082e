/**
 * The one rate-limit design every outside-service client uses: a token bucket per key (service,
 * account and, where the service counts that way, method or channel), refilled continuously.
 *
 * The store behind it is shared by every worker and API process (db/api-rate-limits.ts, one
 * PostgreSQL row per key), so N processes together stay inside one account's limit, and a 429
 * seen by any of them pauses the key for all of them until the server's reset.
 *
 * Why not Temporal's task-queue rate limits: `maxTaskQueueActivitiesPerSecond` caps a whole task
 * queue, not one account: one tenant's 500 meetings would spend everybody's share, and a
 * per-account limit would need a task queue per account. Buckets per key keep tenants apart.
 *
 * A caller never sleeps long on a bucket: past `maxWaitMs` nothing is taken and the call fails
 * retryably with the wait as its retry delay, so Temporal (nextRetryDelay) owns the waiting.
 * Callers sent away are counted (`deferred`) and each is told a later time than the one before,
 * so 100 deferred activities come back one per refilled token instead of all together, each
 * spending an attempt of its retry policy per token it loses.
 */
import { createHash } from 'node:crypto';
import { ExternalServiceError, type ExternalService } from '../domain/service-errors';

/** A bucket of `capacity` tokens refilled at `refillPerMs`. */
export interface BucketRate {
  capacity: number;
  refillPerMs: number;
}

export interface TakeResult {
  /** True when the tokens were taken (possibly reserved ahead: then wait `waitMs` before calling). */
  granted: boolean;
  /** How long until the tokens are (or would be) there; 0 when they are there now. */
  waitMs: number;
}

export interface RateLimitStore {
  /**
   * Takes `cost` tokens from the key's bucket if they are there, or will be within `maxWaitMs`
   * and nobody was sent away before (then they are reserved, and the caller waits `waitMs`).
   * Otherwise takes nothing, and `waitMs` is the caller's turn behind those already sent away.
   */
  take(key: string, rate: BucketRate, cost: number, maxWaitMs: number): Promise<TakeResult>;
  /** A server said the key is spent: nobody takes from it for `waitMs`; then it restarts with one token. */
  pause(key: string, rate: BucketRate, waitMs: number): Promise<void>;
}

/**
 * A limit as services document it ("`limit` calls per `windowMs`"), as a bucket that never lets
 * more than `limit` through in any window, sliding or fixed: a bucket of capacity C refilled at R
 * per window can spend C + R inside one window, so C + R = limit.
 */
export function bucketForWindow(limit: number, windowMs: number, burst: number): BucketRate {
  // One call per window cannot be split that way: one token, refilled once per window.
  if (limit <= 1) return { capacity: 1, refillPerMs: limit / windowMs };
  const capacity = Math.max(1, Math.min(burst, limit - 1));
  return { capacity, refillPerMs: (limit - capacity) / windowMs };
}

/** A bucket key: the service, what it counts (its scope) and a hash of the account, so no secret is stored. */
export function rateLimitKey(service: ExternalService, scope: string, account: string): string {
  return `${service}:${scope}:${createHash('sha256').update(account).digest('hex').slice(0, 32)}`;
}

export interface RateLimitGate {
  store: RateLimitStore;
  /** Longest wait slept through inside the call; beyond it the call fails with the wait as retry delay. */
  maxWaitMs: number;
  sleep?: (milliseconds: number) => Promise<void>;
}

const sleepFor = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

/** How a deferral by our own limiter is told apart from a refusal by the service (it is pacing, not a failure). */
export const ownRateLimitDetail = 'shared rate limit';

/** Waits for a token of `key` within the gate's bound, or fails retryably with the wait. */
export async function passRateLimit(
  gate: RateLimitGate,
  request: { service: ExternalService; key: string; rate: BucketRate; cost?: number; userMessage: string },
): Promise<void> {
  const { granted, waitMs } = await gate.store.take(request.key, request.rate, request.cost ?? 1, gate.maxWaitMs);
  if (!granted) {
    throw new ExternalServiceError({
      service: request.service,
      kind: 'retryable',
      userMessage: request.userMessage,
      detail: `${ownRateLimitDetail}, next slot in ${Math.ceil(waitMs)} ms`,
      retryAfterMs: Math.ceil(waitMs),
    });
  }
  if (waitMs > 0) await (gate.sleep ?? sleepFor)(waitMs);
}

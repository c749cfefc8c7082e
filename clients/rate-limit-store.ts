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
 * A caller never sleeps long on a bucket: past `maxWaitMs` the call fails retryably with the wait
 * as its retry delay, so Temporal (the workflow's timer, workflows/rate-limit-waits.ts) owns the
 * waiting. A sent-away call comes back once: its tokens are taken when it is refused (the bucket
 * goes into debt, and the debt is the queue every later caller's turn counts behind) and its turn
 * is kept as a reservation under its holder (clients/rate-limit-holder.ts: the workflow's call,
 * the same each time it is scheduled again). Back at its turn, the holder is granted without
 * taking tokens again; back early, it is told the rest of its wait. Before, a returning call
 * competed with newcomers for the token meant for it and was sent away again, up to 4 times
 * (bench/README "Deferrals come back once"). A call without a holder is a newcomer each time.
 */
import { createHash } from 'node:crypto';
import { ExternalServiceError, type ExternalService } from '../domain/service-errors';
import { rateLimitHolder } from './rate-limit-holder';

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
   * behind every token already owed (then the caller waits `waitMs`). Otherwise `waitMs` is the
   * caller's turn; with a `holder` its tokens are taken now and its turn is reserved, and the
   * holder's next take claims that reservation (granted when it is due within `maxWaitMs`).
   * A negative `maxWaitMs` grants nothing: with a holder it books the turn ahead of the call.
   */
  take(key: string, rate: BucketRate, cost: number, maxWaitMs: number, holder?: string): Promise<TakeResult>;
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

/**
 * How late a holder may come back and still be granted on its reservation: a call sent late on
 * old tokens must not push a window over the limit. Its tokens were paid off by the refill up to
 * its turn, so returning within (capacity − cost + 1) refills stays within one window of a bucket
 * from bucketForWindow (which refills at least one token per window). Later, it is a newcomer.
 */
export function reservationGraceMs(rate: BucketRate, cost: number): number {
  return Math.max(1, rate.capacity - cost + 1) / rate.refillPerMs;
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
  const { granted, waitMs } = await gate.store.take(request.key, request.rate, request.cost ?? 1, gate.maxWaitMs, rateLimitHolder());
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

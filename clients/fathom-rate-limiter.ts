/**
 * In-process token bucket per Fathom credential. Fathom allows 60 calls per 60-second window per
 * account; a bucket of capacity C refilled at R per window can spend C + R inside one window, so
 * C + R = 60 keeps a single process under the limit even when its window is sliding. Other
 * processes using the same key are not visible here: the 429 + RateLimit-Reset handling in the
 * client covers them, and a 429 pauses the bucket so this process stops too.
 */
import { ExternalServiceError } from '../domain/service-errors';

export interface RateLimiterClock {
  now: () => number;
  sleep: (milliseconds: number) => Promise<void>;
}

const fathomWindowMs = 60_000;
const fathomBurstCapacity = 10;
const fathomRefillPerWindow = 50;

interface Bucket {
  /** May go negative: each waiting caller has reserved a token it will own once refilled. */
  tokens: number;
  refilledAt: number;
}

export class FathomRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly capacity = fathomBurstCapacity,
    private readonly refillPerMs = fathomRefillPerWindow / fathomWindowMs,
  ) {}

  /**
   * Waits until this key may send one request. A wait longer than `maxWaitMs` is not slept
   * through (an activity would time out asleep and its retry would queue again): the token is
   * handed back and the caller gets a retryable error carrying the wait as its retry delay.
   */
  async acquire(key: string, clock: RateLimiterClock, maxWaitMs = Number.POSITIVE_INFINITY): Promise<void> {
    const bucket = this.refilled(key, clock.now());
    bucket.tokens -= 1;
    if (bucket.tokens >= 0) return;
    const waitMs = Math.ceil(-bucket.tokens / this.refillPerMs);
    if (waitMs > maxWaitMs) {
      bucket.tokens += 1;
      throw new ExternalServiceError({
        service: 'fathom',
        kind: 'retryable',
        userMessage: 'Fathom’s rate limit for this account is used up; the meeting will be fetched shortly.',
        detail: `client-side rate limit, next slot in ${waitMs} ms`,
        retryAfterMs: waitMs,
      });
    }
    await clock.sleep(waitMs);
  }

  /**
   * The server said the window is spent: empty the bucket so the next token appears exactly at
   * `untilMs`, and later callers follow at the normal refill pace instead of all at once.
   */
  pause(key: string, untilMs: number, now: number): void {
    const bucket = this.refilled(key, now);
    bucket.tokens = Math.min(bucket.tokens, 1 - Math.max(0, untilMs - now) * this.refillPerMs);
  }

  private refilled(key: string, now: number): Bucket {
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, refilledAt: now };
    const elapsed = Math.max(0, now - bucket.refilledAt);
    bucket.tokens = Math.min(this.capacity, bucket.tokens + elapsed * this.refillPerMs);
    bucket.refilledAt = Math.max(bucket.refilledAt, now);
    this.buckets.set(key, bucket);
    return bucket;
  }
}

/** Shared by every Fathom client in the process, so per-activity clients still share one budget. */
export const sharedFathomRateLimiter = new FathomRateLimiter();

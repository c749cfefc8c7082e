/**
 * The bucket store for one client alone: what a client uses when no shared store is wired (unit
 * tests, one-off checks such as a pasted key's first call). The worker and the API wire the PostgreSQL store (db/api-rate-limits.ts),
 * which does the same arithmetic in one atomic statement shared by every process.
 */
import type { BucketRate, RateLimitStore, TakeResult } from './rate-limit-store';

interface Bucket {
  /** May go negative: each reservation is a token owned once refilled. */
  tokens: number;
  /** When `tokens` was counted; in the future while the key is paused (no refill until then). */
  refilledAt: number;
  /** Tokens owed to callers sent away to retry later: the queue a newcomer's wait counts behind. */
  deferred: number;
}

export class InProcessRateLimitStore implements RateLimitStore {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = Date.now) {}

  take(key: string, rate: BucketRate, cost: number, maxWaitMs: number): Promise<TakeResult> {
    const now = this.now();
    const bucket = this.refilled(key, rate, now);
    // A cost above the capacity could never be granted: it takes the whole bucket instead.
    const spend = Math.min(cost, rate.capacity);
    const pauseMs = Math.max(0, bucket.refilledAt - now);
    const waitMs = pauseMs + Math.max(0, (spend - bucket.tokens) / rate.refillPerMs);
    // Tokens there now go to whoever asks; a short wait is reserved only when nobody queues ahead.
    if (waitMs === 0 || (waitMs <= maxWaitMs && bucket.deferred === 0)) {
      bucket.tokens -= spend;
      bucket.deferred = Math.max(0, bucket.deferred - spend);
      return Promise.resolve({ granted: true, waitMs });
    }
    const queuedWaitMs = pauseMs + Math.max(0, (spend - bucket.tokens + bucket.deferred) / rate.refillPerMs);
    bucket.deferred += spend;
    return Promise.resolve({ granted: false, waitMs: queuedWaitMs });
  }

  pause(key: string, rate: BucketRate, waitMs: number): Promise<void> {
    const bucket = this.refilled(key, rate, this.now());
    bucket.tokens = Math.min(bucket.tokens, 1);
    bucket.refilledAt = Math.max(bucket.refilledAt, this.now() + waitMs);
    return Promise.resolve();
  }

  private refilled(key: string, rate: BucketRate, now: number): Bucket {
    const bucket = this.buckets.get(key) ?? { tokens: rate.capacity, refilledAt: now, deferred: 0 };
    const elapsed = Math.max(0, now - bucket.refilledAt);
    bucket.tokens = Math.min(rate.capacity, bucket.tokens + elapsed * rate.refillPerMs);
    bucket.refilledAt = Math.max(bucket.refilledAt, now);
    // A full bucket means nobody came back for what they were owed: the queue is gone.
    if (bucket.tokens >= rate.capacity) bucket.deferred = 0;
    this.buckets.set(key, bucket);
    return bucket;
  }
}

/**
 * The bucket store for one client alone: what a client uses when no shared store is wired (unit
 * tests, one-off checks such as a pasted key's first call). The worker and the API wire the PostgreSQL store (db/api-rate-limits.ts),
 * which does the same arithmetic in one atomic statement shared by every process.
 */
import { reservationGraceMs, type BucketRate, type RateLimitStore, type TakeResult } from './rate-limit-store';

interface Bucket {
  /** May go negative: the debt is the tokens of callers granted ahead or sent away with a reservation. */
  tokens: number;
  /** When `tokens` was counted; in the future while the key is paused (no refill until then). */
  refilledAt: number;
}

/** A sent-away holder's turn: its tokens were taken when it was refused. */
interface Reservation {
  dueAt: number;
  cost: number;
}

export class InProcessRateLimitStore implements RateLimitStore {
  private readonly buckets = new Map<string, Bucket>();
  /** By key, then holder. */
  private readonly reservations = new Map<string, Map<string, Reservation>>();

  constructor(private readonly now: () => number = Date.now) {}

  take(key: string, rate: BucketRate, cost: number, maxWaitMs: number, holder?: string): Promise<TakeResult> {
    const now = this.now();
    const bucket = this.refilled(key, rate, now);
    const held = holder === undefined ? undefined : this.reservations.get(key)?.get(holder);
    if (held && now <= held.dueAt + reservationGraceMs(rate, held.cost)) {
      // Back for its reservation: granted at its turn, never debited twice.
      const waitMs = Math.max(0, held.dueAt - now);
      if (waitMs <= maxWaitMs) this.reservations.get(key)!.delete(holder!);
      return Promise.resolve({ granted: waitMs <= maxWaitMs, waitMs });
    }
    // A cost above the capacity could never be granted: it takes the whole bucket instead.
    const spend = Math.min(cost, rate.capacity);
    const pauseMs = Math.max(0, bucket.refilledAt - now);
    // Behind every token owed already (negative tokens), so newcomers queue behind the reservations.
    const waitMs = pauseMs + Math.max(0, (spend - bucket.tokens) / rate.refillPerMs);
    if (waitMs <= maxWaitMs) {
      bucket.tokens -= spend;
      if (held) this.reservations.get(key)!.delete(holder!);
      return Promise.resolve({ granted: true, waitMs });
    }
    if (holder !== undefined) {
      bucket.tokens -= spend;
      const ofKey = this.reservations.get(key) ?? new Map<string, Reservation>();
      ofKey.set(holder, { dueAt: now + waitMs, cost: spend });
      this.reservations.set(key, ofKey);
    }
    return Promise.resolve({ granted: false, waitMs });
  }

  pause(key: string, rate: BucketRate, waitMs: number): Promise<void> {
    const now = this.now();
    const bucket = this.refilled(key, rate, now);
    const pauseEnd = now + waitMs;
    // Turns counted on the refill the pause stops move back by as much as the pause grows.
    const extensionMs = pauseEnd - Math.max(bucket.refilledAt, now);
    if (extensionMs > 0) {
      for (const reservation of this.reservations.get(key)?.values() ?? []) reservation.dueAt = Math.max(reservation.dueAt, now) + extensionMs;
    }
    bucket.tokens = Math.min(bucket.tokens, 1);
    bucket.refilledAt = Math.max(bucket.refilledAt, pauseEnd);
    return Promise.resolve();
  }

  private refilled(key: string, rate: BucketRate, now: number): Bucket {
    const bucket = this.buckets.get(key) ?? { tokens: rate.capacity, refilledAt: now };
    const elapsed = Math.max(0, now - bucket.refilledAt);
    bucket.tokens = Math.min(rate.capacity, bucket.tokens + elapsed * rate.refillPerMs);
    bucket.refilledAt = Math.max(bucket.refilledAt, now);
    this.buckets.set(key, bucket);
    return bucket;
  }
}

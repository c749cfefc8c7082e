import type { Middleware } from 'koa';
import { WindowCounter } from '../http/window-counter';
import { operatorClientAddress } from './operator-identity';

/**
 * How many operator requests, and how many wrong credentials, are answered before 429. Wrong
 * credentials are counted per client address and across all of them, so neither one address
 * nor many can keep guessing; a global lockout also stops legitimate operators until the
 * window ends, which is the price of stopping a distributed guesser.
 */
export interface OperatorRateLimits {
  requestsPerAddressPerMinute: number;
  failuresPerAddress: number;
  failuresOverall: number;
  failureWindowMs: number;
}

export const defaultOperatorRateLimits: OperatorRateLimits = {
  // The Web UI decodes every payload of a history page it shows: generous for reading.
  requestsPerAddressPerMinute: 1200,
  failuresPerAddress: 10,
  failuresOverall: 50,
  failureWindowMs: 15 * 60_000,
};

const everyone = '*';

/**
 * In-process counters: each API process limits on its own, so N replicas allow N times the
 * numbers above. Enough for an internal listener; a shared store would be needed to be exact.
 */
export class OperatorAttemptLimiter {
  private readonly requests = new WindowCounter(60_000);
  private readonly failures: WindowCounter;

  constructor(
    private readonly limits: OperatorRateLimits = defaultOperatorRateLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.failures = new WindowCounter(limits.failureWindowMs);
  }

  /** Counts a request; returns how long the client must wait (ms) when it is over a limit. */
  admit(address: string): number | undefined {
    const now = this.now();
    const refusedUntil =
      this.blockedUntil(this.failures.count(address, now), this.limits.failuresPerAddress) ??
      this.blockedUntil(this.failures.count(everyone, now), this.limits.failuresOverall);
    if (refusedUntil !== undefined) return refusedUntil - now;
    const requests = this.requests.add(address, now);
    return requests > this.limits.requestsPerAddressPerMinute ? this.requests.count(address, now).resetAt - now : undefined;
  }

  /** A wrong token or session was presented from this address. */
  recordFailure(address: string): void {
    const now = this.now();
    this.failures.add(address, now);
    this.failures.add(everyone, now);
  }

  private blockedUntil(entry: { count: number; resetAt: number }, limit: number): number | undefined {
    return entry.count >= limit ? entry.resetAt : undefined;
  }
}

/** Refuses with 429 (and Retry-After) a client over its limits, before any credential is checked. */
export function operatorRateLimited(limiter: OperatorAttemptLimiter, trustedProxies: string[]): Middleware {
  return async (ctx, next) => {
    const waitMs = limiter.admit(operatorClientAddress(ctx, trustedProxies));
    if (waitMs !== undefined) {
      ctx.status = 429;
      ctx.set('retry-after', String(Math.max(1, Math.ceil(waitMs / 1000))));
      ctx.body = { error: 'too many operator requests or failed sign-ins; try again later' };
      return;
    }
    return next();
  };
}

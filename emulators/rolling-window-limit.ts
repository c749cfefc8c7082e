/**
 * A vendor's "N requests per T" limit as the vendor enforces it: a rolling window per key (an
 * account, a token, a workspace's method, a channel). A refused request is not counted, so a
 * caller that waits its turn gets through; `retryAfterMs` is when the oldest counted request
 * leaves the window, which is what the vendors' reset headers and Retry-After say.
 */
export interface WindowVerdict {
  admitted: boolean;
  limit: number;
  /** Requests left in the window after this one. */
  remaining: number;
  /** Until a request of this key would be admitted again (0 when one would be now). */
  retryAfterMs: number;
}

export class RollingWindowLimit {
  private readonly admittedAt = new Map<string, number[]>();
  /** Requests refused so far, so tests and drills can assert the product stayed under the limit. */
  refused = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  admit(key: string, now = Date.now()): WindowVerdict {
    const recent = (this.admittedAt.get(key) ?? []).filter((time) => time > now - this.windowMs);
    const admitted = recent.length < this.limit;
    if (admitted) recent.push(now);
    else this.refused += 1;
    this.admittedAt.set(key, recent);
    const full = recent.length >= this.limit;
    return {
      admitted,
      limit: this.limit,
      remaining: Math.max(0, this.limit - recent.length),
      retryAfterMs: full ? Math.max(1, recent[0]! + this.windowMs - now) : 0,
    };
  }

  /** Every key starts on an empty window (tests that measure from a clean slate). */
  reset(): void {
    this.admittedAt.clear();
    this.refused = 0;
  }
}

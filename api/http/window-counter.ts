/**
 * Fixed-window counts per key, kept in this process (each API replica counts on its own). At most
 * `maxKeys` entries: expired windows go first, then the oldest, so a flood of keys cannot grow
 * memory without bound.
 */
export class WindowCounter {
  private readonly counts = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly windowMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Counts one more for `key`; returns the count in its current window. */
  add(key: string, now: number): number {
    const current = this.counts.get(key);
    if (current && current.resetAt > now) return ++current.count;
    if (this.counts.size >= this.maxKeys) this.dropExpired(now);
    this.counts.set(key, { count: 1, resetAt: now + this.windowMs });
    return 1;
  }

  /** The key's count in its current window, and when that window ends. */
  count(key: string, now: number): { count: number; resetAt: number } {
    const current = this.counts.get(key);
    return current && current.resetAt > now ? current : { count: 0, resetAt: now };
  }

  private dropExpired(now: number): void {
    for (const [key, entry] of this.counts) if (entry.resetAt <= now) this.counts.delete(key);
    // Still full of live entries: forget the oldest rather than grow.
    for (const key of this.counts.keys()) {
      if (this.counts.size < this.maxKeys) break;
      this.counts.delete(key);
    }
  }
}

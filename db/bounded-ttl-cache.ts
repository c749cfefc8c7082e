/**
 * A map that forgets: each entry for `ttlMs`, and the oldest entries once `maxEntries` are held,
 * so no caller can grow it without bound (Map keeps insertion order; a re-set moves to the end).
 */
export class BoundedTtlCache<Key, Value> {
  private readonly entries = new Map<Key, { value: Value; expiresAt: number }>();

  constructor(
    private readonly limits: { maxEntries: number; ttlMs: number },
    private readonly now: () => number = () => Date.now(),
  ) {}

  get(key: Key): Value | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: Key, value: Value): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + this.limits.ttlMs });
    while (this.entries.size > this.limits.maxEntries) this.entries.delete(this.entries.keys().next().value as Key);
  }

  deleteWhere(matches: (key: Key, value: Value) => boolean): void {
    for (const [key, entry] of this.entries) if (matches(key, entry.value)) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

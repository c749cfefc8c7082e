/**
 * Recently read `/meetings` pages per Fathom credential, shared by every meeting lookup in this
 * process. Fathom has no get-by-id, so finding one meeting pages through the rep's list; when a
 * rep starts many follow-ups at once, each lookup would read the same first pages and spend the
 * account's 60 calls a minute on duplicates (and, rate limited halfway, start over). Identical
 * page requests in flight are joined and a page is reused for a few seconds. Callers that miss
 * in reused pages must search again with fresh ones (see getMeeting), so a meeting recorded a
 * moment ago is never reported missing.
 */
const defaultTtlMs = 15_000;
const defaultMaxPages = 500;

interface CachedPage {
  page: Promise<unknown>;
  readAt: number;
}

export class MeetingsPageCache {
  private readonly pages = new Map<string, CachedPage>();

  constructor(
    private readonly ttlMs = defaultTtlMs,
    private readonly maxPages = defaultMaxPages,
  ) {}

  /**
   * The page under `key`, read by `read` unless a fresh one is cached or being read. `reread`
   * always reads (the cached page lacked what the caller looks for) and caches the new page for
   * the lookups that follow.
   */
  page<Page>(key: string, now: number, read: () => Promise<Page>, options: { reread?: boolean } = {}): { page: Promise<Page>; reused: boolean } {
    const cached = this.pages.get(key);
    // Every key is read by the same kind of `read`, so a cached page has the caller's type.
    if (cached && !options.reread && now - cached.readAt < this.ttlMs) return { page: cached.page as Promise<Page>, reused: true };
    const page = read();
    this.remember(key, { page, readAt: now });
    // A failed read is not an answer worth sharing: the next caller tries again.
    page.catch(() => {
      if (this.pages.get(key)?.page === page) this.pages.delete(key);
    });
    return { page, reused: false };
  }

  private remember(key: string, entry: CachedPage): void {
    this.pages.delete(key);
    this.pages.set(key, entry);
    for (const [oldest, { readAt }] of this.pages) {
      if (this.pages.size <= this.maxPages && entry.readAt - readAt < this.ttlMs) break;
      this.pages.delete(oldest);
    }
  }
}

export const sharedMeetingsPageCache = new MeetingsPageCache();

/**
 * A fixed-window request counter per tenant, kept in this process: each API replica counts on its
 * own, so N replicas allow N times the limit. Enough to keep one workspace's typing from using up
 * its CRM's API quota (HubSpot's search allows a few requests a second per account).
 */
export class TenantRateLimit {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly limit: { requests: number; windowMs: number; maxTenants?: number },
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request; false once the tenant has used up the current window. */
  admit(tenantId: string): boolean {
    const now = this.now();
    const current = this.windows.get(tenantId);
    if (current && current.resetAt > now) {
      if (current.count >= this.limit.requests) return false;
      current.count += 1;
      return true;
    }
    if (this.windows.size >= (this.limit.maxTenants ?? 10_000)) this.forgetExpired(now);
    this.windows.set(tenantId, { count: 1, resetAt: now + this.limit.windowMs });
    return true;
  }

  private forgetExpired(now: number): void {
    for (const [tenantId, window] of this.windows) if (window.resetAt <= now) this.windows.delete(tenantId);
  }
}

import { WindowCounter } from './window-counter';

/**
 * A fixed-window request limit per tenant, kept in this process: each API replica counts on its
 * own, so N replicas allow N times the limit. Enough to keep one workspace's typing from using up
 * its CRM's API quota (HubSpot's search allows a few requests a second per account).
 */
export class TenantRateLimit {
  private readonly windows: WindowCounter;

  constructor(
    private readonly limit: { requests: number; windowMs: number; maxTenants?: number },
    private readonly now: () => number = Date.now,
  ) {
    this.windows = new WindowCounter(limit.windowMs, limit.maxTenants);
  }

  /** Counts one request; false once the tenant has used up the current window. */
  admit(tenantId: string): boolean {
    const now = this.now();
    if (this.windows.count(tenantId, now).count >= this.limit.requests) return false;
    this.windows.add(tenantId, now);
    return true;
  }
}

import { appendAudit, type AuditEntry } from './audit';
import { isDatabaseUnavailable } from './database-unavailable';
import type { Orm } from './orm';
import { inTenant } from './tenant-scope';

/** Enough for a long outage of a busy worker; beyond it the oldest rows are given up, loudly. */
const maxHeldRows = 10_000;

type HeldRow = AuditEntry & { occurredAt: Date };

/**
 * Audit rows a process could not write because the database was unavailable, held in memory and
 * written, with the time they happened, once the database takes writes again. A database outage
 * then costs the audit log nothing, unless the process itself dies before the outage ends.
 */
export class AuditBacklog {
  private held: HeldRow[] = [];

  constructor(private readonly onDropped: (row: HeldRow, reason: string) => void) {}

  get size(): number {
    return this.held.length;
  }

  hold(row: HeldRow): void {
    if (this.held.length >= maxHeldRows) this.onDropped(this.held.shift()!, `more than ${maxHeldRows} audit rows held`);
    this.held.push(row);
  }

  /** Writes the held rows, one transaction per tenant (row-level security); keeps them while the database is still unavailable. */
  async writeHeld(orm: Orm): Promise<void> {
    const rows = this.held.splice(0);
    const tenants = [...new Set(rows.map((row) => row.tenantId))];
    for (const [index, tenantId] of tenants.entries()) {
      const ofTenant = rows.filter((row) => row.tenantId === tenantId);
      try {
        await inTenant(orm, tenantId, async (em) => {
          for (const row of ofTenant) appendAudit(em, row);
        });
      } catch (error) {
        if (!isDatabaseUnavailable(error)) {
          for (const row of ofTenant) this.onDropped(row, error instanceof Error ? error.message : String(error));
          continue;
        }
        const unwritten = rows.filter((row) => tenants.indexOf(row.tenantId) >= index);
        this.held.unshift(...unwritten);
        return;
      }
    }
  }
}

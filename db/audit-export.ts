import { AuditLog } from '../entities';
import type { Orm } from './orm';
import { inTenant } from './tenant-scope';

const pageSize = 500;

/**
 * One tenant's audit log as JSON lines, oldest first (time, then id for rows of the same
 * instant). Read page by page, each page in its own tenant-scoped transaction, so an export of
 * any size neither holds a transaction open nor loads everything into memory. Works for a
 * deleted tenant too: its audit log is what remains of it.
 */
export async function* auditLogLines(orm: Orm, tenantId: string): AsyncGenerator<string> {
  let after: { createdAt: Date; id: string } | undefined;
  for (;;) {
    const page = await inTenant(orm, tenantId, (em) =>
      em.find(
        AuditLog,
        after ? { $or: [{ createdAt: { $gt: after.createdAt } }, { createdAt: after.createdAt, id: { $gt: after.id } }] } : {},
        { orderBy: { createdAt: 'asc', id: 'asc' }, limit: pageSize },
      ),
    );
    for (const row of page) {
      yield `${JSON.stringify({
        id: String(row.id),
        time: row.createdAt.toISOString(),
        tenantId: row.tenantId,
        actor: row.actor,
        action: row.action,
        target: row.target ?? null,
        result: row.result,
        workflowId: row.workflowId ?? null,
        detail: row.detail,
      })}\n`;
    }
    if (page.length < pageSize) return;
    const last = page[page.length - 1]!;
    after = { createdAt: last.createdAt, id: last.id };
  }
}

import { appendAudit, type AuditEntry } from '../db/audit';
import { inTenant } from '../db/tenant-scope';
import type { ActivityDependencies } from './dependencies';

/** Workflow-level events (retries, dismissals, expiry) that no other activity records. */
export function recordAuditActivity(deps: ActivityDependencies) {
  return async function recordAudit(entry: AuditEntry): Promise<void> {
    await inTenant(deps.orm, entry.tenantId, async (em) => {
      appendAudit(em, entry);
    });
  };
}

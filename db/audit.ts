import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditLog } from '../entities';
import type { AuditResult } from '../entities/audit-log';

export interface AuditEntry {
  tenantId: string;
  actor: string;
  action: string;
  target?: string | null;
  result: AuditResult;
  workflowId?: string | null;
  detail?: Record<string, unknown>;
}

/** Adds one row to the append-only audit log inside the caller's transaction. */
export function appendAudit(em: EntityManager, entry: AuditEntry): AuditLog {
  const row = Object.assign(new AuditLog(), { ...entry, detail: entry.detail ?? {} });
  em.persist(row);
  return row;
}

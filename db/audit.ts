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
  /** When it happened, for a row written late (db/audit-backlog.ts); now when absent. */
  occurredAt?: Date;
}

/** Adds one row to the append-only audit log inside the caller's transaction. */
export function appendAudit(em: EntityManager, entry: AuditEntry): AuditLog {
  const { occurredAt, ...fields } = entry;
  const row = Object.assign(new AuditLog(), { ...fields, detail: fields.detail ?? {}, createdAt: occurredAt ?? new Date() });
  em.persist(row);
  return row;
}

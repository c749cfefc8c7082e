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
  /** When it happened, for a row written late (by a later attempt); now when absent. */
  occurredAt?: Date;
}

/** The row of one activity attempt, keyed so that writing it again is harmless. */
export interface AttemptAuditEntry extends AuditEntry {
  /** `<runId>:<activityId>:<attempt>`, unique in the table. */
  attemptKey: string;
}

/** Adds one row to the append-only audit log inside the caller's transaction. */
export function appendAudit(em: EntityManager, entry: AuditEntry): AuditLog {
  const { occurredAt, ...fields } = entry;
  const row = Object.assign(new AuditLog(), { ...fields, detail: fields.detail ?? {}, createdAt: occurredAt ?? new Date() });
  em.persist(row);
  return row;
}

/**
 * Adds attempts' rows inside the caller's transaction, skipping any attempt that already has its
 * row (by `attemptKey`), so a row replayed by a later attempt is never written twice. In order:
 * the first row for an attempt wins (Postgres skips a later row of one INSERT that conflicts with
 * an earlier one). One statement for all of them: every audited activity writes its rows here, so
 * it is plain SQL, without the ORM's query building (bench/README.md, benchmark 3).
 */
export async function appendAttemptAudits(em: EntityManager, entries: AttemptAuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const values = entries.flatMap((entry) => [
    entry.tenantId,
    entry.actor,
    entry.action,
    entry.target ?? null,
    entry.result,
    entry.workflowId ?? null,
    JSON.stringify(entry.detail ?? {}),
    entry.attemptKey,
    entry.occurredAt ?? new Date(),
  ]);
  await em.execute(
    `insert into audit_log (tenant_id, actor, action, target, result, workflow_id, detail, attempt_key, created_at)
     values ${entries.map(() => '(?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)').join(', ')}
     on conflict (attempt_key) do nothing`,
    values,
  );
}

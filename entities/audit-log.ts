import { EntitySchema } from '@mikro-orm/core';
import { tenantFilter } from './tenant-scope';

export type AuditResult = 'success' | 'failure' | 'attempt';

/**
 * Append-only record of every significant action. The database refuses UPDATE and DELETE on
 * this table (trigger in the initial migration), so history cannot be rewritten by the app.
 */
export class AuditLog {
  id!: string;
  tenantId!: string;
  /** Slack user id, 'system', 'operator' or 'workflow'. */
  actor!: string;
  action!: string;
  target?: string | null;
  result!: AuditResult;
  workflowId?: string | null;
  detail: Record<string, unknown> = {};
  /** `<runId>:<activityId>:<attempt>` for the row of one activity attempt: at most one such row (activities/attempt-audit.ts). */
  attemptKey?: string | null;
  createdAt: Date = new Date();
}

export const AuditLogSchema = new EntitySchema<AuditLog>({
  class: AuditLog,
  tableName: 'audit_log',
  filters: tenantFilter(),
  properties: {
    id: { type: 'bigint', primary: true, autoincrement: true },
    tenantId: { type: 'uuid', index: true },
    actor: { type: 'string', length: 64 },
    action: { type: 'string', length: 64 },
    target: { type: 'string', length: 512, nullable: true },
    result: { type: 'string', length: 16 },
    workflowId: { type: 'string', length: 255, nullable: true },
    detail: { type: 'json' },
    attemptKey: { type: 'string', length: 128, nullable: true, unique: 'audit_log_attempt_key_unique' },
    createdAt: { type: 'datetime' },
  },
});

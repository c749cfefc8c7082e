import { Context } from '@temporalio/activity';
import { appendAudit, type AuditEntry } from '../db/audit';
import { isDatabaseUnavailable } from '../db/database-unavailable';
import { inTenant } from '../db/tenant-scope';
import { actionAttempts } from '../runtime/metrics';
import type { ActivityDependencies } from './dependencies';
import { toActivityFailure } from './failures';
import { whileHeartbeating } from './heartbeat';

export interface AuditedAction {
  tenantId: string;
  workflowId: string;
  actor: string;
  action: string;
  target?: string;
}

/**
 * Runs one side effect and writes its outcome to the audit log, every attempt included, so an
 * operator can see what was tried, when, and why it failed. A row the database cannot take now
 * (an outage: often the very reason the attempt failed) is held and written once it can.
 */
export async function runAudited<T extends { externalId?: string }>(
  deps: ActivityDependencies,
  audit: AuditedAction,
  perform: () => Promise<T>,
): Promise<T> {
  const attempt = Context.current().info.attempt;
  // The side effect itself is found again by its key if this worker dies mid-write.
  return whileHeartbeating(async () => {
    let result: T;
    try {
      result = await perform();
    } catch (error) {
      const failure = toActivityFailure(error);
      const reason = failure instanceof Error ? failure.message : String(failure);
      actionAttempts.inc({ kind: actionKindOf(audit), result: 'failure' });
      const row = { ...audit, result: 'failure' as const, detail: { attempt, reason }, occurredAt: new Date() };
      await writeAudit(deps, row).catch((auditError: unknown) => {
        if (isDatabaseUnavailable(auditError)) deps.auditBacklog.hold(row);
        else deps.logger.error('Audit write failed', { error: auditError, workflowId: audit.workflowId });
      });
      throw failure;
    }
    actionAttempts.inc({ kind: actionKindOf(audit), result: 'success' });
    await writeAudit(deps, { ...audit, result: 'success', detail: { attempt, externalId: result.externalId ?? null } });
    return result;
  });
}

/** The action without its per-update suffix (`crm.deal.<suffix>` is `crm.deal`), a bounded metric label. */
function actionKindOf(audit: AuditedAction): string {
  return audit.action.split('.').slice(0, 2).join('.');
}

/** Writes one row, then whatever an outage left held (the database evidently takes writes again). */
async function writeAudit(deps: ActivityDependencies, entry: AuditEntry): Promise<void> {
  await inTenant(deps.orm, entry.tenantId, async (em) => {
    appendAudit(em, entry);
  });
  if (deps.auditBacklog.size > 0) await deps.auditBacklog.writeHeld(deps.orm);
}

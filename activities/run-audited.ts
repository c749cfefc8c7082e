import { Context } from '@temporalio/activity';
import { appendAudit } from '../db/audit';
import { inTenant } from '../db/tenant-scope';
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
 * operator can see what was tried, when, and why it failed.
 */
export async function runAudited<T extends { externalId?: string }>(
  deps: ActivityDependencies,
  audit: AuditedAction,
  perform: () => Promise<T>,
): Promise<T> {
  const attempt = Context.current().info.attempt;
  // The side effect itself is found again by its key if this worker dies mid-write.
  return whileHeartbeating(async () => {
    try {
      const result = await perform();
      await inTenant(deps.orm, audit.tenantId, async (em) => {
        appendAudit(em, { ...audit, result: 'success', detail: { attempt, externalId: result.externalId ?? null } });
      });
      return result;
    } catch (error) {
      const failure = toActivityFailure(error);
      await inTenant(deps.orm, audit.tenantId, async (em) => {
        appendAudit(em, {
          ...audit,
          result: 'failure',
          detail: { attempt, reason: failure instanceof Error ? failure.message : String(failure) },
        });
      }).catch((auditError: unknown) => deps.logger.error('Audit write failed', { error: auditError, workflowId: audit.workflowId }));
      throw failure;
    }
  });
}

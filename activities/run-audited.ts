import { Context } from '@temporalio/activity';
import { actionAttempts } from '../runtime/metrics';
import { AttemptAudit } from './attempt-audit';
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
 * (an outage: often the very reason the attempt failed) is written by the next attempt
 * (activities/attempt-audit.ts), or, after the last attempt, by the workflow from the failure's
 * details; a success whose row cannot be written fails the attempt, so that
 * there is a next attempt (it finds the side effect by its key instead of redoing it).
 */
export async function runAudited<T extends { externalId?: string }>(
  deps: Pick<ActivityDependencies, 'orm'>,
  audit: AuditedAction,
  perform: () => Promise<T>,
): Promise<T> {
  const attemptAudit = new AttemptAudit(deps, audit, Context.current().info);
  return whileHeartbeating(async () => {
    let result: T;
    try {
      result = await perform();
    } catch (error) {
      const failure = toActivityFailure(error);
      const reason = failure instanceof Error ? failure.message : String(failure);
      actionAttempts.inc({ kind: actionKindOf(audit), result: 'failure' });
      if (!(await attemptAudit.record('failure', { reason }))) {
        Context.current().heartbeat(attemptAudit.heartbeatDetails());
        throw attemptAudit.carriedBy(failure);
      }
      throw failure;
    }
    actionAttempts.inc({ kind: actionKindOf(audit), result: 'success' });
    if (!(await attemptAudit.record('success', { externalId: result.externalId ?? null }))) {
      Context.current().heartbeat(attemptAudit.heartbeatDetails());
      throw attemptAudit.databaseUnavailable();
    }
    return result;
  }, () => attemptAudit.heartbeatDetails());
}

/** The action without its per-update suffix (`crm.deal.<suffix>` is `crm.deal`), a bounded metric label. */
function actionKindOf(audit: AuditedAction): string {
  return audit.action.split('.').slice(0, 2).join('.');
}

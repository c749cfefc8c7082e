/**
 * What the records say about a drill's meetings: the audit log rows of their drilled actions
 * (activities/run-audited.ts writes a 'success' row, with its attempt number, once the side
 * effect is done, and a 'failure' row per failed attempt, carried to the next attempt while the database is down), and from
 * Temporal's history how many activity attempts failed and were retried.
 */
import { tsToMs } from '@temporalio/common/lib/time';
import { inTenant } from '../../db/tenant-scope';
import { AuditLog } from '../../entities';
import { meetingWorkflowId } from '../../workflows/messages';
import type { DrillStack } from '../lib/drill-stack';
import type { ClickTarget } from '../lib/slack-traffic';
import { drilledActions } from './meeting-outcomes';

const auditedAction: Record<(typeof drilledActions)[number], string> = { note: 'crm.note', draft: 'gmail.draft', event: 'calendar.event' };

export interface AuditTrail {
  /** `<recordingId>:<action>` of every drilled action without a success row. */
  missingSuccessRows: string[];
  successRows: number;
  /** Success rows beyond one per action (an audit commit whose acknowledgement was lost, then redone). */
  extraSuccessRows: number;
  /** Failed attempts before each success (its attempt number − 1) that have no failure row (lost, e.g. while the database was down). */
  unrecordedFailedAttempts: number;
  /**
   * Attempts of the succeeding activity (its rows share the attempt key's `<runId>:<activityId>`)
   * with no row, and with more than one: every attempt must have exactly one (activities/attempt-audit.ts).
   */
  attemptsWithoutRow: number;
  attemptsWithSeveralRows: number;
  failureRows: number;
  /** Rows a later attempt wrote for an attempt that never reported (its worker died, or it timed out). */
  unreportedAttemptRows: number;
}

/** Audit rows of the drilled actions of `finished` meetings (each must have its note, draft and event done). */
export async function auditTrail(stack: DrillStack, finished: ClickTarget[]): Promise<AuditTrail> {
  const trail: AuditTrail = { missingSuccessRows: [], successRows: 0, extraSuccessRows: 0, unrecordedFailedAttempts: 0, attemptsWithoutRow: 0, attemptsWithSeveralRows: 0, failureRows: 0, unreportedAttemptRows: 0 };
  const tenants = new Set(finished.map((target) => target.tenantId));
  for (const tenantId of tenants) {
    const meetings = finished.filter((target) => target.tenantId === tenantId);
    const rows = await inTenant(stack.orm, tenantId, (em) =>
      em.find(AuditLog, { workflowId: { $in: meetings.map((target) => meetingWorkflowId(tenantId, target.recordingId)) }, action: { $in: Object.values(auditedAction) } }),
    );
    for (const target of meetings) {
      const workflowId = meetingWorkflowId(tenantId, target.recordingId);
      for (const kind of drilledActions) {
        const ofAction = rows.filter((row) => row.workflowId === workflowId && row.action === auditedAction[kind]);
        const successes = ofAction.filter((row) => row.result === 'success');
        const failures = ofAction.filter((row) => row.result === 'failure');
        if (successes.length === 0) trail.missingSuccessRows.push(`${target.recordingId}:${kind}`);
        trail.successRows += successes.length;
        trail.failureRows += failures.length;
        trail.unreportedAttemptRows += failures.filter((row) => String(row.detail.reason).startsWith('No outcome reported')).length;
        trail.extraSuccessRows += Math.max(0, successes.length - 1);
        const failedBeforeSuccess = Math.max(0, ...successes.map((row) => Number(row.detail.attempt ?? 1) - 1));
        trail.unrecordedFailedAttempts += Math.max(0, failedBeforeSuccess - failures.length);
        for (const success of successes) {
          const execution = executionOf(success);
          if (!execution) continue;
          const attempts = ofAction.filter((row) => executionOf(row) === execution).map((row) => Number(row.detail.attempt));
          for (let attempt = 1; attempt <= Number(success.detail.attempt); attempt++) {
            const count = attempts.filter((candidate) => candidate === attempt).length;
            if (count === 0) trail.attemptsWithoutRow += 1;
            if (count > 1) trail.attemptsWithSeveralRows += 1;
          }
        }
      }
    }
  }
  return trail;
}

/** `<runId>:<activityId>` of an attempt's row; undefined for rows written before attempt keys. */
function executionOf(row: AuditLog): string | undefined {
  return row.attemptKey?.slice(0, row.attemptKey.lastIndexOf(':'));
}

/**
 * Failed and retried attempts of the activities whose last attempt started at `since` or later,
 * over the meetings' histories (ActivityTaskStarted carries the attempt number and that time).
 */
export async function retriedActivityAttempts(stack: DrillStack, targets: ClickTarget[], since: number): Promise<number> {
  let retried = 0;
  for (const target of targets) {
    const history = await stack.client.workflow.getHandle(meetingWorkflowId(target.tenantId, target.recordingId)).fetchHistory();
    for (const event of history.events ?? []) {
      const attempt = event.activityTaskStartedEventAttributes?.attempt ?? 1;
      if (attempt > 1 && tsToMs(event.eventTime) >= since) retried += attempt - 1;
    }
  }
  return retried;
}

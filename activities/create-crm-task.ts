import type { ActingFor } from '../domain/meeting';
import { idempotencyKey, type ActionResult } from './action-result';
import { withCrm } from './crm-session';
import type { ActivityDependencies } from './dependencies';
import { mayHaveWrittenBefore } from './earlier-write';
import { runAudited } from './run-audited';
import { loadMeetingOfRep } from './tenant-services';
import { parseLocalDateTime, toInstant } from '../domain/zoned-time';
import { invalidRequest } from './failures';
import { assertActsForProvenActor } from './actor-authority';

export interface CreateCrmTaskInput extends ActingFor {
  tenantId: string;
  meetingRecordId: string;
  workflowId: string;
  accountId: string;
  subject: string;
  /** In the rep's time zone. */
  dueLocalDateTime: string;
  contactId?: string;
}

/** Creates a follow-up task in the CRM, due at the rep's local time; found by key when an earlier attempt may have made it. */
export function createCrmTaskActivity(deps: ActivityDependencies) {
  return async function createCrmTask(input: CreateCrmTaskInput): Promise<ActionResult> {
    await assertActsForProvenActor(deps, input, 'crm.task');
    const key = idempotencyKey(input.workflowId, 'task');
    const { record, rep } = await loadMeetingOfRep(deps, input.tenantId, input.meetingRecordId);
    const timeZone = rep?.timeZone ?? 'UTC';
    const due = parseLocalDateTime(input.dueLocalDateTime);
    if (!due) throw invalidRequest('The due date must look like 2026-12-03T09:00.');
    return runAudited(deps, { tenantId: input.tenantId, workflowId: input.workflowId, actor: input.actorSlackUserId, action: 'crm.task', target: input.accountId }, () =>
      withCrm(deps, input.tenantId, async (provider) => {
        const lookFirst = await mayHaveWrittenBefore(deps, { tenantId: input.tenantId, workflowId: input.workflowId, auditAction: 'crm.task', actionKind: 'task' });
        const existing = lookFirst ? await provider.findTaskByKey(input.accountId, key) : null;
        const task =
          existing ??
          (await provider.createTask({
            accountId: input.accountId,
            contactId: input.contactId,
            idempotencyKey: key,
            subject: input.subject,
            body: `Follow-up of "${record.title}"${record.meetingUrl ? `\nRecording: ${record.meetingUrl}` : ''}`,
            dueAt: toInstant(due, timeZone).toISOString(),
          }));
        return { externalId: task.id, url: task.url, label: `${input.subject}, due ${input.dueLocalDateTime.replace('T', ' ')} (${timeZone})` };
      }),
    );
  };
}

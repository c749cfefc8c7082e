import type { ActingFor } from '../domain/meeting';
import { idempotencyKey, type ActionResult } from './action-result';
import type { ActivityDependencies } from './dependencies';
import { earlierWriteTraced } from './earlier-write';
import { invalidRequest } from './failures';
import { runAudited } from './run-audited';
import { inTenant } from '../db/tenant-scope';
import { readMeetingOfRep } from './meeting-of-rep';
import { googleWorkspaceFor } from './tenant-services';
import { assertActsForProvenActor } from './actor-authority';

export interface CreateEmailDraftInput extends ActingFor {
  tenantId: string;
  meetingRecordId: string;
  recordingId: string;
  workflowId: string;
}

/** Creates the follow-up email as a Gmail draft of the rep, addressed to the external attendees. Never sends. */
export function createEmailDraftActivity(deps: ActivityDependencies) {
  return async function createEmailDraft(input: CreateEmailDraftInput): Promise<ActionResult> {
    await assertActsForProvenActor(deps, input, 'gmail.draft');
    const audit = { tenantId: input.tenantId, workflowId: input.workflowId, actor: input.actorSlackUserId, action: 'gmail.draft', target: input.recordingId };
    return runAudited(deps, audit, async () => {
      // One transaction for everything the draft needs from Postgres.
      const { record, rep, mayExist } = await inTenant(deps.orm, input.tenantId, async (em) => ({
        ...(await readMeetingOfRep(em, input.tenantId, input.meetingRecordId)),
        mayExist: await earlierWriteTraced(em, { workflowId: input.workflowId, auditAction: 'gmail.draft', actionKind: 'draft' }),
      }));
      const draft = record.draft;
      if (!draft) throw invalidRequest('There is no follow-up email yet.');
      const to = [...new Set(record.attendees.filter((a) => a.external && a.email).map((a) => a.email!))];
      if (to.length === 0) throw invalidRequest('No external attendees to email.');
      const { drafts } = await googleWorkspaceFor(deps, rep);
      const result = await drafts.createDraft({ idempotencyKey: idempotencyKey(input.workflowId, 'draft'), mayExist, to, subject: draft.emailSubject, html: draft.emailHtml });
      return { externalId: result.draftId, url: result.url, label: `Draft to ${to.join(', ')}` };
    });
  };
}

import { inTenant } from '../db/tenant-scope';
import { MeetingRecord } from '../entities';
import type { ActivityDependencies } from './dependencies';
import { runAudited } from './run-audited';
import { googleWorkspaceFor, loadRep } from './tenant-services';

export interface SendEventInvitationsInput {
  tenantId: string;
  meetingRecordId: string;
  workflowId: string;
  actorSlackUserId: string;
  eventId: string;
}

/** Emails the invitations of the follow-up event the rep has confirmed (at most once: the client marks the event). */
export function sendEventInvitationsActivity(deps: ActivityDependencies) {
  return async function sendEventInvitations(input: SendEventInvitationsInput): Promise<void> {
    const rep = await inTenant(deps.orm, input.tenantId, async (em) => {
      const record = await em.findOneOrFail(MeetingRecord, { id: input.meetingRecordId });
      return loadRep(em, record.repSlackUserId);
    });
    await runAudited(deps, { tenantId: input.tenantId, workflowId: input.workflowId, actor: input.actorSlackUserId, action: 'calendar.invitations', target: input.eventId }, async () => {
      const { calendar } = await googleWorkspaceFor(deps, rep);
      await calendar.sendInvitations(input.eventId);
      return { externalId: input.eventId };
    });
  };
}

import type { ActingFor } from '../domain/meeting';
import type { ActivityDependencies } from './dependencies';
import { runAudited } from './run-audited';
import { googleWorkspaceFor, loadMeetingOfRep } from './tenant-services';
import { assertActsForProvenActor } from './actor-authority';

export interface SendEventInvitationsInput extends ActingFor {
  tenantId: string;
  meetingRecordId: string;
  workflowId: string;
  eventId: string;
}

/** Emails the invitations of the follow-up event the rep has confirmed (at most once: the client marks the event). */
export function sendEventInvitationsActivity(deps: ActivityDependencies) {
  return async function sendEventInvitations(input: SendEventInvitationsInput): Promise<void> {
    await assertActsForProvenActor(deps, input, 'calendar.invitations');
    const { rep } = await loadMeetingOfRep(deps, input.tenantId, input.meetingRecordId);
    await runAudited(deps, { tenantId: input.tenantId, workflowId: input.workflowId, actor: input.actorSlackUserId, action: 'calendar.invitations', target: input.eventId }, async () => {
      const { calendar } = await googleWorkspaceFor(deps, rep);
      await calendar.sendInvitations(input.eventId);
      return { externalId: input.eventId };
    });
  };
}

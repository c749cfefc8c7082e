import type { ActingFor } from '../domain/meeting';
import { resolveFollowUpStart } from '../clients/google/follow-up-start';
import { htmlToPlainText } from '../domain/email-html-text';
import { idempotencyKey, type ActionResult } from './action-result';
import type { ActivityDependencies } from './dependencies';
import { invalidRequest } from './failures';
import { runAudited } from './run-audited';
import { googleWorkspaceFor, loadMeetingOfRep } from './tenant-services';
import { assertActsForProvenActor } from './actor-authority';

export interface ScheduleFollowUpInput extends ActingFor {
  tenantId: string;
  meetingRecordId: string;
  recordingId: string;
  workflowId: string;
  /** The rep's choice, overriding what was understood from the meeting. */
  localDateTime?: string;
}

const followUpDurationMinutes = 30;

/**
 * Puts the follow-up meeting in the rep's calendar at the time agreed in the meeting (or a
 * week later), in the rep's time zone, never in the past. Invitations are not sent yet.
 */
export function scheduleFollowUpActivity(deps: ActivityDependencies) {
  return async function scheduleFollowUp(input: ScheduleFollowUpInput): Promise<ActionResult> {
    await assertActsForProvenActor(deps, input, 'calendar.event');
    const audit = { tenantId: input.tenantId, workflowId: input.workflowId, actor: input.actorSlackUserId, action: 'calendar.event', target: input.recordingId };
    return runAudited(deps, audit, async () => {
      const { record, rep } = await loadMeetingOfRep(deps, input.tenantId, input.meetingRecordId);
      const draft = record.draft;
      if (!draft) throw invalidRequest('There is no follow-up draft yet.');
      const attendees = record.attendees.filter((a) => a.external && a.email).map((a) => ({ email: a.email!, name: a.name }));
      if (attendees.length === 0) throw invalidRequest('No external attendees to invite.');
      const timeZone = rep?.timeZone ?? 'UTC';
      const localStart = resolveFollowUpStart({
        agreedLocalDateTime: input.localDateTime ?? draft.followUp.localDateTime,
        meetingStartedAt: record.startedAt.toISOString(),
        timeZone,
        now: deps.now(),
      });
      const { calendar } = await googleWorkspaceFor(deps, rep);
      const event = await calendar.createEvent({
        idempotencyKey: idempotencyKey(input.workflowId, 'event'),
        title: `Follow-up: ${record.title}`,
        description: `${htmlToPlainText(draft.summary)}${record.meetingUrl ? `\n\nRecording: ${record.meetingUrl}` : ''}`,
        localStart,
        durationMinutes: followUpDurationMinutes,
        timeZone,
        attendees,
        withMeetLink: true,
      });
      return { externalId: event.eventId, url: event.url, label: `${localStart.replace('T', ' ')} (${timeZone}), invitations not sent yet` };
    });
  };
}

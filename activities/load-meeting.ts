import { ApplicationFailure } from '@temporalio/activity';
import { storeRecordedMeeting } from '../db/meeting-records';
import { inTenant } from '../db/tenant-scope';
import { MeetingRecord } from '../entities';
import type { MeetingFacts } from '../domain/meeting';
import type { ActivityDependencies } from './dependencies';
import { loadRep, meetingSourceFor } from './tenant-services';

export interface LoadMeetingInput {
  tenantId: string;
  recordingId: string;
  repSlackUserId: string;
  workflowId: string;
}

/**
 * Makes sure the meeting and its transcript are in Postgres (the Fathom webhook may already
 * have stored them) and returns only small facts to the workflow.
 */
export function loadMeetingActivity(deps: ActivityDependencies) {
  return async function loadMeeting(input: LoadMeetingInput): Promise<MeetingFacts> {
    const { stored, rep } = await inTenant(deps.orm, input.tenantId, async (em) => ({
      stored: await em.findOne(MeetingRecord, { recordingId: input.recordingId }),
      rep: await loadRep(em, input.repSlackUserId),
    }));
    // One rep per recording: the API refuses this too, but a trigger racing a stored record must not take it.
    if (stored && stored.repSlackUserId !== input.repSlackUserId) {
      throw ApplicationFailure.create({ message: 'This recording is another rep’s meeting; only they can prepare its follow-up.', type: 'forbidden', nonRetryable: true });
    }
    if (stored?.transcriptSha256) return factsOf(stored);

    // Network call outside any transaction: Fathom may be slow, the database must not wait on it.
    const meeting = await (await meetingSourceFor(deps, rep)).getMeeting(input.recordingId);
    const record = await storeRecordedMeeting(deps.orm, input, meeting);
    return factsOf(record);
  };
}

function factsOf(record: MeetingRecord): MeetingFacts {
  const externalAttendeeCount = record.attendees.filter((attendee) => attendee.external).length;
  return {
    meetingRecordId: record.id,
    title: record.title,
    startedAt: record.startedAt.toISOString(),
    language: record.language ?? null,
    externalAttendeeCount,
    internalOnly: externalAttendeeCount === 0,
  };
}

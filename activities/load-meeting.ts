import { ApplicationFailure } from '@temporalio/activity';
import { storeRecordedMeeting } from '../db/meeting-records';
import { admitMeeting } from '../db/meeting-usage';
import { inTenant } from '../db/tenant-scope';
import { MeetingRecord, Tenant } from '../entities';
import type { MeetingFacts } from '../domain/meeting';
import type { ActivityDependencies } from './dependencies';
import { refreshRepProfileBeforeMeeting } from './rep-profile';
import { loadRep, meetingSourceFor } from './tenant-services';

export interface LoadMeetingInput {
  tenantId: string;
  recordingId: string;
  repSlackUserId: string;
  workflowId: string;
}

/**
 * Makes sure the meeting and its transcript are in Postgres (the Fathom webhook may already
 * have stored them) and returns only small facts to the workflow. The rep's Slack profile is
 * refreshed first: everything the meeting shows or schedules uses their zone and language.
 */
export function loadMeetingActivity(deps: ActivityDependencies) {
  return async function loadMeeting(input: LoadMeetingInput): Promise<MeetingFacts> {
    await refreshRepProfileBeforeMeeting(deps, input.tenantId, input.repSlackUserId);
    const { stored, rep } = await inTenant(deps.orm, input.tenantId, async (em) => ({
      stored: await em.findOne(MeetingRecord, { recordingId: input.recordingId }),
      rep: await loadRep(em, input.repSlackUserId),
    }));
    // One rep per recording: the API refuses this too, but a trigger racing a stored record must not take it.
    if (stored && stored.repSlackUserId !== input.repSlackUserId) {
      throw ApplicationFailure.create({ message: 'This recording is another rep’s meeting; only they can prepare its follow-up.', type: 'forbidden', nonRetryable: true });
    }
    if (stored?.transcriptSha256) return countedFacts(deps, input, stored);

    // Network call outside any transaction: Fathom may be slow, the database must not wait on it.
    const meeting = await (await meetingSourceFor(deps, rep)).getMeeting(input.recordingId);
    const record = await storeRecordedMeeting(deps.orm, input, meeting);
    return countedFacts(deps, input, record);
  };
}

/** The meeting counts against the plan only now that it is known to exist; over the quota, it stops here. */
async function countedFacts(deps: ActivityDependencies, input: LoadMeetingInput, record: MeetingRecord): Promise<MeetingFacts> {
  const admission = await inTenant(deps.orm, input.tenantId, async (em) => {
    const tenant = await em.findOneOrFail(Tenant, { id: input.tenantId });
    return admitMeeting(em, { tenantId: input.tenantId, plan: tenant.plan, recordingId: input.recordingId, now: deps.now(), mode: 'count' });
  });
  if (!admission.admitted) throw ApplicationFailure.create({ message: admission.message, type: 'limit-reached', nonRetryable: true });
  return factsOf(record);
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

import type { EntityManager } from '@mikro-orm/postgresql';
import { ApplicationFailure } from '@temporalio/activity';
import { withRateLimitHolder } from '../clients/rate-limit-holder';
import { storeRecordedMeeting } from '../db/meeting-records';
import { admitMeeting, type Admission } from '../db/meeting-usage';
import { inTenant } from '../db/tenant-scope';
import { MeetingRecord, Tenant } from '../entities';
import type { MeetingFacts } from '../domain/meeting';
import type { ActivityDependencies } from './dependencies';
import { refreshRepProfileBeforeMeeting } from './rep-profile';
import { draftTurnHolder } from './draft-follow-up';
import { loadRep, meetingSourceFor } from './tenant-services';

export interface LoadMeetingInput {
  tenantId: string;
  recordingId: string;
  repSlackUserId: string;
  workflowId: string;
}

export type LoadedMeeting = MeetingFacts & {
  /** How long the workflow waits before drafting: the draft's turn at the AI writer, booked here. */
  draftTurnInMs?: number;
};

/**
 * Makes sure the meeting and its transcript are in Postgres (the Fathom webhook may already
 * have stored them) and returns only small facts to the workflow. The rep's Slack profile is
 * refreshed before anything is shown or scheduled: everything uses their zone and language.
 */
export function loadMeetingActivity(deps: ActivityDependencies) {
  return async function loadMeeting(input: LoadMeetingInput): Promise<LoadedMeeting> {
    const record = await admittedRecord(deps, input);
    const facts = factsOf(record);
    const draftTurnInMs = await bookDraftTurn(deps, input, record, facts);
    return draftTurnInMs > 0 ? { ...facts, draftTurnInMs } : facts;
  };
}

async function admittedRecord(deps: ActivityDependencies, input: LoadMeetingInput): Promise<MeetingRecord> {
  // One transaction for the usual case, a meeting the webhook stored: the record, the rep, and the meeting counted.
  const { stored, rep, admission } = await inTenant(deps.orm, input.tenantId, async (em) => {
    const stored = await em.findOne(MeetingRecord, { recordingId: input.recordingId });
    const rep = await loadRep(em, input.repSlackUserId);
    const ready = stored?.transcriptSha256 && stored.repSlackUserId === input.repSlackUserId;
    return { stored, rep, admission: ready ? await admit(em, deps, input) : undefined };
  });
  await refreshRepProfileBeforeMeeting(deps, input.tenantId, rep);
  // One rep per recording: the API refuses this too, but a trigger racing a stored record must not take it.
  if (stored && stored.repSlackUserId !== input.repSlackUserId) {
    throw ApplicationFailure.create({ message: 'This recording is another rep’s meeting; only they can prepare its follow-up.', type: 'forbidden', nonRetryable: true });
  }
  if (stored && admission) return admitted(admission, stored);

  // Network call outside any transaction: Fathom may be slow, the database must not wait on it.
  const meeting = await (await meetingSourceFor(deps, rep)).getMeeting(input.recordingId);
  const record = await storeRecordedMeeting(deps.orm, input, meeting);
  // The meeting counts against the plan only now that it is known to exist; over the quota, it stops here.
  return admitted(await inTenant(deps.orm, input.tenantId, (em) => admit(em, deps, input)), record);
}

async function admit(em: EntityManager, deps: ActivityDependencies, input: LoadMeetingInput): Promise<Admission> {
  const tenant = await em.findOneOrFail(Tenant, { id: input.tenantId });
  return admitMeeting(em, { tenantId: input.tenantId, plan: tenant.plan, recordingId: input.recordingId, now: deps.now(), mode: 'count' });
}

function admitted(admission: Admission, record: MeetingRecord): MeetingRecord {
  if (!admission.admitted) throw ApplicationFailure.create({ message: admission.message, type: 'limit-reached', nonRetryable: true });
  return record;
}

/**
 * The draft's turn at the AI writer, booked now: a busy tenant's burst queues on the workflow's
 * timer instead of each draft being scheduled, sent away by the limiter and scheduled again
 * (each of those a failed activity and two workflow tasks on the Temporal server everyone shares).
 * An internal-only meeting may never be drafted, so its turn is not taken.
 */
async function bookDraftTurn(deps: ActivityDependencies, input: LoadMeetingInput, record: MeetingRecord, facts: MeetingFacts): Promise<number> {
  const writer = deps.followUpWriter;
  if (!writer?.bookTurn || record.draft || facts.internalOnly) return 0;
  const draft = { tenantId: input.tenantId, meetingRecordId: record.id, workflowId: input.workflowId };
  return withRateLimitHolder(draftTurnHolder(draft), async () => (await writer.bookTurn?.(input.tenantId)) ?? 0);
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

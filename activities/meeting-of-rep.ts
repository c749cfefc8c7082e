import { NotFoundError } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { FollowUpDraft, MeetingAttendee } from '../domain/meeting';
import type { MeetingRecord, User } from '../entities';

/** What an action on a meeting uses of its record (never the transcript). */
export type MeetingForAction = Pick<MeetingRecord, 'id' | 'repSlackUserId' | 'title' | 'meetingUrl' | 'startedAt' | 'attendees' | 'draft'>;
/** What an action uses of the meeting's rep: their zone, and their Google connection and its health. */
export type RepForAction = Pick<User, 'id' | 'tenantId' | 'slackUserId' | 'timeZone' | 'googleSecretRef' | 'googleHealth'>;

interface MeetingOfRepRow {
  id: string;
  rep_slack_user_id: string;
  title: string;
  meeting_url: string | null;
  started_at: Date;
  attendees: MeetingAttendee[];
  draft: FollowUpDraft | null;
  rep_id: string | null;
  time_zone: string | null;
  google_secret_ref: string | null;
  google_health: User['googleHealth'] | null;
}

/**
 * A meeting and its rep in one statement, in the caller's tenant transaction (row-level security
 * applies; the tenant condition is the one the ORM's tenant filter would add). Plain SQL, without
 * entity loading: each action of a meeting reads them, and the ORM's query building and hydration
 * were most of that cost (bench/README.md, benchmark 3). A missing record fails as findOneOrFail does.
 */
export async function readMeetingOfRep(em: EntityManager, tenantId: string, meetingRecordId: string): Promise<{ record: MeetingForAction; rep: RepForAction | null }> {
  const [row] = await em.execute<MeetingOfRepRow[]>(
    `select m.id, m.rep_slack_user_id, m.title, m.meeting_url, m.started_at, m.attendees, m.draft,
            u.id as rep_id, u.time_zone, u.google_secret_ref, u.google_health
       from meeting_record m
       left join app_user u on u.tenant_id = m.tenant_id and u.slack_user_id = m.rep_slack_user_id
      where m.tenant_id = ? and m.id = ?`,
    [tenantId, meetingRecordId],
  );
  if (!row) throw NotFoundError.findOneFailed('MeetingRecord', { id: meetingRecordId });
  const record: MeetingForAction = {
    id: row.id,
    repSlackUserId: row.rep_slack_user_id,
    title: row.title,
    meetingUrl: row.meeting_url,
    startedAt: new Date(row.started_at),
    attendees: row.attendees ?? [],
    draft: row.draft,
  };
  const rep: RepForAction | null = row.rep_id
    ? { id: row.rep_id, tenantId, slackUserId: row.rep_slack_user_id, timeZone: row.time_zone ?? 'UTC', googleSecretRef: row.google_secret_ref, googleHealth: row.google_health ?? 'ok' }
    : null;
  return { record, rep };
}

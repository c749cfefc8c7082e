/**
 * Where a recorded meeting and its transcript are kept. Both the Fathom webhook (which receives
 * the meeting) and the loadMeeting activity (which fetches it) store it here, keyed by recording.
 */
import { createHash } from 'node:crypto';
import type { RecordedMeeting } from '../domain/meeting';
import { MeetingRecord } from '../entities';
import type { Orm } from './orm';
import { inTenant } from './tenant-scope';

export interface MeetingRecordKey {
  tenantId: string;
  recordingId: string;
  repSlackUserId: string;
  workflowId: string;
}

export async function storeRecordedMeeting(orm: Orm, key: MeetingRecordKey, meeting: RecordedMeeting): Promise<MeetingRecord> {
  return inTenant(orm, key.tenantId, async (em) => {
    // The rep is set once, when the recording is first stored: a meeting is prepared for one rep only.
    const record =
      (await em.findOne(MeetingRecord, { recordingId: key.recordingId })) ??
      Object.assign(new MeetingRecord(), { tenantId: key.tenantId, recordingId: key.recordingId, repSlackUserId: key.repSlackUserId });
    const transcript = JSON.stringify(meeting.transcript);
    Object.assign(record, {
      workflowId: key.workflowId,
      title: meeting.title.slice(0, 512),
      meetingUrl: meeting.shareUrl ?? meeting.url,
      startedAt: new Date(meeting.startedAt),
      endedAt: meeting.endedAt ? new Date(meeting.endedAt) : null,
      language: meeting.language,
      attendees: meeting.attendees,
      transcript,
      transcriptSha256: createHash('sha256').update(transcript).digest('hex'),
    });
    em.persist(record);
    return record;
  });
}

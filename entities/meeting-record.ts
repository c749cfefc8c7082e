import { randomUUID } from 'node:crypto';
import { EntitySchema } from '@mikro-orm/core';
import type { FollowUpDraft, MeetingAttendee } from '../domain/meeting';
import { tenantFilter } from './tenant-scope';

/**
 * Everything large or personal about one meeting: transcript, attendees, the AI draft and the
 * rep's edits. Workflows carry only this row's id, so none of it enters Temporal history.
 */
export class MeetingRecord {
  id: string = randomUUID();
  tenantId!: string;
  recordingId!: string;
  workflowId!: string;
  repSlackUserId!: string;
  title!: string;
  meetingUrl?: string | null;
  startedAt!: Date;
  endedAt?: Date | null;
  /** Fathom's transcript_language (ISO 639-1) when known. */
  language?: string | null;
  attendees: MeetingAttendee[] = [];
  /** Speaker-labelled plain text; null once the tenant's retention period has passed. */
  transcript?: string | null;
  transcriptSha256?: string | null;
  transcriptDeletedAt?: Date | null;
  draft?: FollowUpDraft | null;
  /** The Slack card, remembered so a retried post updates it instead of posting twice. */
  cardChannel?: string | null;
  cardTs?: string | null;
  createdAt: Date = new Date();
  updatedAt: Date = new Date();
}

export const MeetingRecordSchema = new EntitySchema<MeetingRecord>({
  class: MeetingRecord,
  tableName: 'meeting_record',
  filters: tenantFilter(),
  uniques: [{ properties: ['tenantId', 'recordingId'] }],
  properties: {
    id: { type: 'uuid', primary: true },
    tenantId: { type: 'uuid', index: true },
    recordingId: { type: 'string', length: 64 },
    workflowId: { type: 'string', length: 255 },
    repSlackUserId: { type: 'string', length: 32 },
    title: { type: 'string', length: 512 },
    meetingUrl: { type: 'string', length: 1024, nullable: true },
    startedAt: { type: 'datetime' },
    endedAt: { type: 'datetime', nullable: true },
    language: { type: 'string', length: 16, nullable: true },
    attendees: { type: 'json' },
    transcript: { type: 'text', nullable: true, lazy: true },
    transcriptSha256: { type: 'string', length: 64, nullable: true },
    transcriptDeletedAt: { type: 'datetime', nullable: true },
    draft: { type: 'json', nullable: true },
    cardChannel: { type: 'string', length: 32, nullable: true },
    cardTs: { type: 'string', length: 32, nullable: true },
    createdAt: { type: 'datetime' },
    updatedAt: { type: 'datetime', onUpdate: () => new Date() },
  },
});

/**
 * Fathom's Meeting object (as returned by `GET /meetings` and sent by the "new meeting content
 * ready" webhook) mapped to our `RecordedMeeting`. One mapper for both paths, so a meeting looks
 * the same whether it arrived by webhook or was fetched. Every field is checked, because both
 * inputs are untrusted JSON: a shape problem becomes an ExternalServiceError naming the field.
 */
import type { MeetingAttendee } from '../domain/meeting';
import { ExternalServiceError } from '../domain/service-errors';
import type { MeetingListItem, RecordedMeeting, TranscriptLine } from '../domain/meeting';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shapeError(problem: string): ExternalServiceError {
  return new ExternalServiceError({
    service: 'fathom',
    kind: 'invalid',
    userMessage: 'Fathom sent meeting data we could not read.',
    detail: problem,
  });
}

function objectAt(value: unknown, path: string): JsonObject {
  if (!isObject(value)) throw shapeError(`${path} must be an object`);
  return value;
}

function stringAt(object: JsonObject, key: string, path: string): string {
  const value = object[key];
  if (typeof value !== 'string') throw shapeError(`${path}.${key} must be a string`);
  return value;
}

/** Absent and null mean the same thing in Fathom's payloads (fields appear per include_* flag). */
function optionalStringAt(object: JsonObject, key: string, path: string): string | null {
  const value = object[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw shapeError(`${path}.${key} must be a string or null`);
  return value;
}

function optionalArrayAt(object: JsonObject, key: string, path: string): unknown[] {
  const value = object[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw shapeError(`${path}.${key} must be an array`);
  return value;
}

/** Documented as an integer; accepted as a numeric string too, and always handled as a string. */
function recordingIdOf(meeting: JsonObject): string {
  const value = meeting.recording_id;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return value;
  throw shapeError('meeting.recording_id must be an integer');
}

function domainOfEmail(email: string | null): string | null {
  const at = email?.lastIndexOf('@') ?? -1;
  return email && at >= 0 ? email.slice(at + 1).toLowerCase() : null;
}

function attendeesOf(meeting: JsonObject): MeetingAttendee[] {
  return optionalArrayAt(meeting, 'calendar_invitees', 'meeting').map((raw, index) => {
    const path = `meeting.calendar_invitees[${index}]`;
    const invitee = objectAt(raw, path);
    if (typeof invitee.is_external !== 'boolean') throw shapeError(`${path}.is_external must be a boolean`);
    const email = optionalStringAt(invitee, 'email', path);
    return {
      name: optionalStringAt(invitee, 'name', path),
      email,
      domain: optionalStringAt(invitee, 'email_domain', path)?.toLowerCase() ?? domainOfEmail(email),
      external: invitee.is_external,
    };
  });
}

/** Maps Fathom transcript items; `speaker` is an object in the API, a plain string in older payloads. */
function toTranscriptLines(items: unknown[], path: string): TranscriptLine[] {
  return items.map((raw, index) => {
    const itemPath = `${path}[${index}]`;
    const item = objectAt(raw, itemPath);
    const text = stringAt(item, 'text', itemPath);
    const timestamp = stringAt(item, 'timestamp', itemPath);
    if (typeof item.speaker === 'string') return { speaker: item.speaker, speakerEmail: null, text, timestamp };
    const speaker = objectAt(item.speaker, `${itemPath}.speaker`);
    return {
      speaker: stringAt(speaker, 'display_name', `${itemPath}.speaker`),
      speakerEmail: optionalStringAt(speaker, 'matched_calendar_invitee_email', `${itemPath}.speaker`),
      text,
      timestamp,
    };
  });
}

/** Fathom reports a code such as "en"; a regional form ("en-US") is reduced to ISO 639-1. */
function languageOf(meeting: JsonObject): string | null {
  const raw = optionalStringAt(meeting, 'transcript_language', 'meeting');
  const match = raw ? /^([a-z]{2})(?:[-_]|$)/i.exec(raw.trim()) : null;
  return match ? match[1]!.toLowerCase() : null;
}

function startedAtOf(meeting: JsonObject): string {
  const startedAt =
    optionalStringAt(meeting, 'recording_start_time', 'meeting') ??
    optionalStringAt(meeting, 'scheduled_start_time', 'meeting') ??
    optionalStringAt(meeting, 'created_at', 'meeting');
  if (!startedAt) throw shapeError('meeting has none of recording_start_time, scheduled_start_time, created_at');
  return startedAt;
}

function endedAtOf(meeting: JsonObject): string | null {
  return (
    optionalStringAt(meeting, 'recording_end_time', 'meeting') ??
    optionalStringAt(meeting, 'scheduled_end_time', 'meeting')
  );
}

/** `title` is always present (and is what the rep sees in Fathom); the calendar title is a fallback. */
function titleOf(meeting: JsonObject): string {
  const title = stringAt(meeting, 'title', 'meeting').trim();
  return title || optionalStringAt(meeting, 'meeting_title', 'meeting')?.trim() || 'Untitled meeting';
}

/**
 * Maps one Fathom Meeting. The transcript comes from the payload itself (webhook with
 * include_transcript) unless the caller fetched it separately; it is empty when neither has it.
 */
export function toRecordedMeeting(raw: unknown, fetchedTranscript?: TranscriptLine[]): RecordedMeeting {
  const meeting = objectAt(raw, 'meeting');
  const shareUrl = optionalStringAt(meeting, 'share_url', 'meeting');
  const endedAt = endedAtOf(meeting);
  const recordedBy = meeting.recorded_by == null ? null : objectAt(meeting.recorded_by, 'meeting.recorded_by');
  return {
    recordingId: recordingIdOf(meeting),
    title: titleOf(meeting),
    url: stringAt(meeting, 'url', 'meeting'),
    ...(shareUrl ? { shareUrl } : {}),
    startedAt: startedAtOf(meeting),
    ...(endedAt ? { endedAt } : {}),
    language: languageOf(meeting),
    attendees: attendeesOf(meeting),
    recordedByEmail: recordedBy ? optionalStringAt(recordedBy, 'email', 'meeting.recorded_by') : null,
    transcript: fetchedTranscript ?? toTranscriptLines(optionalArrayAt(meeting, 'transcript', 'meeting'), 'meeting.transcript'),
  };
}

function minutesBetween(start: string, end: string | null): number {
  const milliseconds = end ? Date.parse(end) - Date.parse(start) : NaN;
  return Number.isFinite(milliseconds) && milliseconds > 0 ? Math.round(milliseconds / 60_000) : 0;
}

/** The short form used by meeting pickers; no transcript needed. */
export function toMeetingListItem(raw: unknown): MeetingListItem {
  const meeting = objectAt(raw, 'meeting');
  const startedAt = startedAtOf(meeting);
  return {
    recordingId: recordingIdOf(meeting),
    title: titleOf(meeting),
    startedAt,
    createdAt: optionalStringAt(meeting, 'created_at', 'meeting') ?? startedAt,
    durationMinutes: minutesBetween(startedAt, endedAtOf(meeting)),
    externalAttendeeCount: attendeesOf(meeting).filter((attendee) => attendee.external).length,
  };
}

/** A list response: `{ items: Meeting[], next_cursor: string|null }`; a blank cursor ends paging. */
export function toMeetingsPage(raw: unknown): { meetings: unknown[]; nextCursor: string | null } {
  const page = objectAt(raw, 'response');
  if (!Array.isArray(page.items)) throw shapeError('response.items must be an array');
  const cursor = optionalStringAt(page, 'next_cursor', 'response');
  return { meetings: page.items, nextCursor: cursor?.trim() ? cursor : null };
}

/** Whether `email` (lower case) recorded the meeting or is one of its calendar invitees. */
export function isRecordedOrAttendedBy(raw: unknown, email: string): boolean {
  const meeting = objectAt(raw, 'meeting');
  const recordedBy = meeting.recorded_by == null ? null : objectAt(meeting.recorded_by, 'meeting.recorded_by');
  const recorder = recordedBy ? optionalStringAt(recordedBy, 'email', 'meeting.recorded_by') : null;
  return recorder?.toLowerCase() === email || attendeesOf(meeting).some((attendee) => attendee.email?.toLowerCase() === email);
}

/** The meeting's recording id without mapping the rest (used while searching pages). */
export function recordingIdOfMeeting(raw: unknown): string {
  return recordingIdOf(objectAt(raw, 'meeting'));
}

/** `GET /recordings/{id}/transcript` → `{ transcript: TranscriptItem[] }`. */
export function toTranscriptResponse(raw: unknown): TranscriptLine[] {
  const response = objectAt(raw, 'response');
  return toTranscriptLines(optionalArrayAt(response, 'transcript', 'response'), 'response.transcript');
}

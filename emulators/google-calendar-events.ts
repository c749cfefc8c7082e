import { createHash, randomBytes } from 'node:crypto';
import type { EmulatorResponse } from './http-emulator';
import { googleError } from './google-api-errors';
import { isRecord, type JsonObject } from './json-values';
import { isKnownTimeZone, timeZoneOffsetSeconds } from './time-zones';

/**
 * Google Calendar events per user's primary calendar: insert with client-chosen ids (409 on
 * reuse, which is how the product makes inserts idempotent), time and attendee validation,
 * Meet links via `conferenceDataVersion=1`, get, patch, and a record of which invitation
 * emails `sendUpdates` would have sent.
 */
export interface InvitationBatch {
  eventId: string;
  ownerEmail: string;
  sendUpdates: SendUpdates;
  reason: 'created' | 'updated';
  recipients: string[];
  at: number;
}

type SendUpdates = 'all' | 'externalOnly' | 'none';

interface StoredEvent {
  ownerEmail: string;
  resource: JsonObject;
}

const SEND_UPDATES: SendUpdates[] = ['all', 'externalOnly', 'none'];
/** Client-chosen ids: base32hex (lower-case a-v, digits), 5-1024 characters. */
const CLIENT_EVENT_ID = /^[a-v0-9]{5,1024}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const UTC_OFFSET = /(Z|[+-]\d{2}:\d{2})$/i;
/** Set by the server; conferenceData too, because only a createRequest (with conferenceDataVersion=1) changes it. */
const SERVER_OWNED_FIELDS = ['kind', 'etag', 'htmlLink', 'created', 'updated', 'creator', 'organizer', 'iCalUID', 'sequence', 'hangoutLink', 'conferenceData'];

export class GoogleCalendarEvents {
  /** Keyed by owner and event id: ids are unique per calendar, not globally. */
  private readonly events = new Map<string, StoredEvent>();
  private readonly invitations: InvitationBatch[] = [];
  private etagCounter = 0;

  constructor(private readonly timeZoneOf: (email: string) => string) {}

  all(ownerEmail?: string): JsonObject[] {
    return [...this.events.values()].filter((event) => ownerEmail === undefined || event.ownerEmail === ownerEmail.toLowerCase()).map((event) => event.resource);
  }

  /** Every address an invitation or update email went to for this event, in order. */
  invitationsSent(eventId: string): string[] {
    return this.invitations.filter((batch) => batch.eventId === eventId).flatMap((batch) => batch.recipients);
  }

  invitationLog(): InvitationBatch[] {
    return [...this.invitations];
  }

  calendar(ownerEmail: string, calendarId: string): EmulatorResponse {
    if (!ownsCalendar(ownerEmail, calendarId)) return notFound();
    return {
      status: 200,
      body: {
        kind: 'calendar#calendar',
        etag: this.nextEtag(),
        id: ownerEmail,
        summary: ownerEmail,
        timeZone: this.timeZoneOf(ownerEmail),
        conferenceProperties: { allowedConferenceSolutionTypes: ['hangoutsMeet'] },
      },
    };
  }

  timeZoneSetting(ownerEmail: string): EmulatorResponse {
    return { status: 200, body: { kind: 'calendar#setting', etag: this.nextEtag(), id: 'timezone', value: this.timeZoneOf(ownerEmail) } };
  }

  insert(ownerEmail: string, calendarId: string, body: unknown, query: URLSearchParams): EmulatorResponse {
    if (!ownsCalendar(ownerEmail, calendarId)) return notFound();
    if (!isRecord(body)) return badRequest('invalid', 'Invalid JSON payload.');
    const sendUpdates = parseSendUpdates(query);
    if (!sendUpdates) return badRequest('invalidParameter', 'Invalid value for: sendUpdates');
    const clientId = body.id;
    if (clientId !== undefined && (typeof clientId !== 'string' || !CLIENT_EVENT_ID.test(clientId))) return badRequest('invalid', 'Invalid resource id value.');
    if (typeof clientId === 'string' && this.events.has(eventKey(ownerEmail, clientId))) return googleError(409, 'duplicate', 'The requested identifier already exists.');
    const problem = eventProblem(body);
    if (problem) return problem;

    const id = typeof clientId === 'string' ? clientId : generatedEventId();
    const now = new Date().toISOString();
    const resource: JsonObject = {
      ...withoutServerFields(body),
      kind: 'calendar#event',
      etag: this.nextEtag(),
      id,
      status: body.status ?? 'confirmed',
      htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${id} ${ownerEmail}`).toString('base64url')}`,
      created: now,
      updated: now,
      creator: { email: ownerEmail, self: true },
      organizer: { email: ownerEmail, self: true },
      iCalUID: `${id}@google.com`,
      sequence: 0,
      reminders: body.reminders ?? { useDefault: true },
      eventType: body.eventType ?? 'default',
      ...attendeesField(body.attendees, ownerEmail, []),
      ...conferenceFields(body, query, undefined),
    };
    this.events.set(eventKey(ownerEmail, id), { ownerEmail: ownerEmail.toLowerCase(), resource });
    this.recordInvitations(resource, ownerEmail, sendUpdates, 'created');
    return { status: 200, body: resource };
  }

  get(ownerEmail: string, calendarId: string, eventId: string): EmulatorResponse {
    const event = this.findEvent(ownerEmail, calendarId, eventId);
    return event ? { status: 200, body: event.resource } : notFound();
  }

  /** Patch semantics: nested objects merge, arrays (attendees) are replaced. */
  patch(ownerEmail: string, calendarId: string, eventId: string, body: unknown, query: URLSearchParams): EmulatorResponse {
    const event = this.findEvent(ownerEmail, calendarId, eventId);
    if (!event) return notFound();
    if (!isRecord(body)) return badRequest('invalid', 'Invalid JSON payload.');
    const sendUpdates = parseSendUpdates(query);
    if (!sendUpdates) return badRequest('invalidParameter', 'Invalid value for: sendUpdates');
    const current = event.resource;
    const merged = mergePatch(current, withoutServerFields({ ...body, id: undefined }));
    const problem = eventProblem(merged);
    if (problem) return problem;
    const timeChanged = JSON.stringify([merged.start, merged.end]) !== JSON.stringify([current.start, current.end]);
    const previousAttendees = Array.isArray(current.attendees) ? (current.attendees as JsonObject[]) : [];
    const resource: JsonObject = {
      ...merged,
      id: current.id,
      etag: this.nextEtag(),
      updated: new Date().toISOString(),
      sequence: Number(current.sequence) + (timeChanged ? 1 : 0),
      ...attendeesField(merged.attendees, ownerEmail, previousAttendees),
      ...conferenceFields(body, query, current),
    };
    event.resource = resource;
    this.recordInvitations(resource, ownerEmail, sendUpdates, 'updated');
    return { status: 200, body: resource };
  }

  private findEvent(ownerEmail: string, calendarId: string, eventId: string): StoredEvent | undefined {
    return ownsCalendar(ownerEmail, calendarId) ? this.events.get(eventKey(ownerEmail, eventId)) : undefined;
  }

  private recordInvitations(resource: JsonObject, ownerEmail: string, sendUpdates: SendUpdates, reason: InvitationBatch['reason']): void {
    if (sendUpdates === 'none') return;
    const organizerDomain = domainOf(ownerEmail);
    const recipients = ((resource.attendees as JsonObject[] | undefined) ?? [])
      .filter((attendee) => attendee.self !== true)
      .map((attendee) => String(attendee.email))
      // "externalOnly" notifies guests outside Google Calendar; outside the organizer's domain is the emulator's stand-in.
      .filter((email) => sendUpdates === 'all' || domainOf(email) !== organizerDomain);
    if (recipients.length === 0) return;
    this.invitations.push({ eventId: String(resource.id), ownerEmail, sendUpdates, reason, recipients, at: Date.now() });
  }

  private nextEtag(): string {
    this.etagCounter += 1;
    return `"${Date.now() * 1000 + this.etagCounter}"`;
  }
}

function eventKey(ownerEmail: string, eventId: string): string {
  return `${ownerEmail.toLowerCase()}/${eventId}`;
}

function ownsCalendar(ownerEmail: string, calendarId: string): boolean {
  return calendarId === 'primary' || calendarId.toLowerCase() === ownerEmail.toLowerCase();
}

/** Absent means none: Google sends no emails unless asked. */
function parseSendUpdates(query: URLSearchParams): SendUpdates | undefined {
  const value = query.get('sendUpdates') ?? 'none';
  return SEND_UPDATES.includes(value as SendUpdates) ? (value as SendUpdates) : undefined;
}

function eventProblem(event: JsonObject): EmulatorResponse | undefined {
  const start = eventTime(event.start, 'start');
  if ('problem' in start) return start.problem;
  const end = eventTime(event.end, 'end');
  if ('problem' in end) return end.problem;
  if (end.instant <= start.instant) return badRequest('timeRangeEmpty', 'The specified time range is empty.');
  if (event.attendees !== undefined) {
    if (!Array.isArray(event.attendees)) return badRequest('invalid', 'Invalid attendees value.');
    const invalid = event.attendees.some((attendee) => !isRecord(attendee) || typeof attendee.email !== 'string' || !EMAIL.test(attendee.email));
    if (invalid) return badRequest('invalid', 'Invalid attendee email.');
  }
  return undefined;
}

/** The instant an EventDateTime denotes: a date, a dateTime with offset, or a local dateTime plus timeZone. */
function eventTime(value: unknown, which: 'start' | 'end'): { instant: number } | { problem: EmulatorResponse } {
  if (!isRecord(value) || (value.dateTime === undefined && value.date === undefined)) {
    return { problem: badRequest('required', `Missing ${which} time.`) };
  }
  const timeZone = typeof value.timeZone === 'string' ? value.timeZone : undefined;
  if (timeZone !== undefined && !isKnownTimeZone(timeZone)) return { problem: badRequest('invalid', `Invalid time zone definition for ${which} time.`) };
  if (typeof value.date === 'string') {
    const instant = /^\d{4}-\d{2}-\d{2}$/.test(value.date) ? Date.parse(`${value.date}T00:00:00Z`) : NaN;
    return Number.isNaN(instant) ? { problem: badRequest('invalid', `Invalid ${which} time.`) } : { instant };
  }
  const dateTime = String(value.dateTime);
  if (UTC_OFFSET.test(dateTime)) {
    const instant = Date.parse(dateTime);
    return Number.isNaN(instant) ? { problem: badRequest('invalid', `Invalid ${which} time.`) } : { instant };
  }
  if (timeZone === undefined) return { problem: badRequest('required', `Missing time zone definition for ${which} time.`) };
  const asIfUtc = Date.parse(`${dateTime}Z`);
  if (Number.isNaN(asIfUtc)) return { problem: badRequest('invalid', `Invalid ${which} time.`) };
  return { instant: asIfUtc - timeZoneOffsetSeconds(timeZone, new Date(asIfUtc)) * 1000 };
}

/** Organizer's own entry is accepted; a guest keeps an earlier answer, new guests need action. */
function attendeesField(attendees: unknown, ownerEmail: string, previous: JsonObject[]): JsonObject {
  if (!Array.isArray(attendees)) return {};
  return {
    attendees: (attendees as JsonObject[]).map((attendee) => {
      const email = String(attendee.email);
      if (email.toLowerCase() === ownerEmail.toLowerCase()) return { ...attendee, organizer: true, self: true, responseStatus: 'accepted' };
      const earlier = previous.find((candidate) => String(candidate.email).toLowerCase() === email.toLowerCase());
      return { ...attendee, responseStatus: earlier?.responseStatus ?? 'needsAction' };
    }),
  };
}

/** Without conferenceDataVersion=1 Google ignores conferenceData, so no Meet link is made. */
function conferenceFields(body: JsonObject, query: URLSearchParams, current: JsonObject | undefined): JsonObject {
  const kept = current?.conferenceData ? { conferenceData: current.conferenceData, hangoutLink: current.hangoutLink } : {};
  if (Number(query.get('conferenceDataVersion') ?? 0) < 1 || !isRecord(body.conferenceData)) return kept;
  const createRequest = body.conferenceData.createRequest;
  if (!isRecord(createRequest)) return kept;
  const requestId = String(createRequest.requestId ?? randomBytes(8).toString('hex'));
  const meetingCode = meetCode(requestId);
  const uri = `https://meet.google.com/${meetingCode}`;
  return {
    hangoutLink: uri,
    conferenceData: {
      createRequest: { requestId, conferenceSolutionKey: { type: 'hangoutsMeet' }, status: { statusCode: 'success' } },
      entryPoints: [{ entryPointType: 'video', uri, label: `meet.google.com/${meetingCode}` }],
      conferenceSolution: { key: { type: 'hangoutsMeet' }, name: 'Google Meet' },
      conferenceId: meetingCode,
    },
  };
}

/** `abc-defg-hij`, derived from the requestId so a retried insert gets the same link. */
function meetCode(requestId: string): string {
  const letters = [...createHash('sha256').update(requestId).digest()].slice(0, 10).map((byte) => String.fromCharCode(97 + (byte % 26)));
  return `${letters.slice(0, 3).join('')}-${letters.slice(3, 7).join('')}-${letters.slice(7, 10).join('')}`;
}

function generatedEventId(): string {
  const alphabet = 'abcdefghijklmnopqrstuv0123456789';
  return [...randomBytes(26)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

function mergePatch(target: JsonObject, patch: JsonObject): JsonObject {
  const merged: JsonObject = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    merged[key] = isRecord(value) && isRecord(target[key]) ? mergePatch(target[key], value) : value;
  }
  return merged;
}

function withoutServerFields(body: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(body).filter(([key]) => !SERVER_OWNED_FIELDS.includes(key)));
}

function domainOf(email: string): string {
  return email.split('@')[1]?.toLowerCase() ?? '';
}

function badRequest(reason: string, message: string): EmulatorResponse {
  return googleError(400, reason, message);
}

function notFound(): EmulatorResponse {
  return googleError(404, 'notFound', 'Not Found');
}

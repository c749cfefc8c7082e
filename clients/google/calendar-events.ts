import { createHash } from 'node:crypto';
// The client library loads at the first call, not at the worker's start (a third of a second).
import type { calendar_v3 } from '@googleapis/calendar';
import { ExternalServiceError } from '../../domain/service-errors';
import type { CalendarEventRequest, CalendarEventResult, CalendarEvents, GoogleTokenSource } from '../google-workspace';
import { openGoogleSession, type GoogleAppConfig } from './google-auth';
import { googleFailureStatus } from './google-errors';
import { formatLocalDateTime, parseLocalDateTime, toInstant, toLocalDateTime } from '../../domain/zoned-time';

export { resolveFollowUpStart, type FollowUpStartInput } from './follow-up-start';

/**
 * The follow-up meeting in the rep's primary Google Calendar. The old bot inserted with
 * `sendUpdates=all`, emailing clients before the rep saw the event; here the insert sends
 * nothing and `sendInvitations` sends once the rep confirms. Inserts are idempotent through a
 * client-chosen event id derived from the request's key (Google answers 409 on reuse).
 */
export interface GoogleCalendarEventsOptions {
  app: GoogleAppConfig;
  tokens: GoogleTokenSource;
}

/** Private marker set together with the invitations, so a retried sendInvitations emails nobody twice. */
const invitationsSentProperty = 'followupInvitationsSent';

export function createCalendarEvents(options: GoogleCalendarEventsOptions): CalendarEvents {
  return {
    async createEvent(request: CalendarEventRequest): Promise<CalendarEventResult> {
      const requestBody = eventResource(request);
      const session = await openGoogleSession(options.app, options.tokens);
      const { calendar } = await import('@googleapis/calendar');
      const client = calendar({ version: 'v3', ...session.apiOptions });
      const event = await session.call('calendar', async () => {
        try {
          const inserted = await client.events.insert({
            calendarId: 'primary',
            sendUpdates: 'none',
            conferenceDataVersion: request.withMeetLink ? 1 : undefined,
            requestBody,
          });
          return inserted.data;
        } catch (error) {
          if (googleFailureStatus(error) !== 409) throw error;
          // An earlier attempt inserted it and its answer was lost: that event is the result.
          return (await client.events.get({ calendarId: 'primary', eventId: requestBody.id! })).data;
        }
      });
      return eventResult(event, session.email);
    },

    async sendInvitations(eventId: string): Promise<void> {
      const session = await openGoogleSession(options.app, options.tokens);
      const { calendar } = await import('@googleapis/calendar');
      const client = calendar({ version: 'v3', ...session.apiOptions });
      await session.call('calendar', async () => {
        const { data: event } = await client.events.get({ calendarId: 'primary', eventId });
        if (event.status === 'cancelled') {
          throw new ExternalServiceError({
            service: 'calendar',
            kind: 'not-found',
            userMessage: 'The follow-up event was deleted from Google Calendar, so there is nobody to invite.',
            detail: 'event status cancelled',
          });
        }
        if (event.extendedProperties?.private?.[invitationsSentProperty] === 'true') return;
        // The only change is the marker; `sendUpdates: 'all'` is what emails the guests.
        await client.events.patch({
          calendarId: 'primary',
          eventId,
          sendUpdates: 'all',
          requestBody: { extendedProperties: { private: { [invitationsSentProperty]: 'true' } } },
        });
      });
    },
  };
}

/** base32hex (0-9, a-v) of sha256(key): 52 characters, the alphabet Calendar allows for ids. */
export function followUpEventId(idempotencyKey: string): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuv';
  let id = '';
  let buffered = 0;
  let bufferedBits = 0;
  for (const byte of Buffer.from(sha256Hex(idempotencyKey), 'hex')) {
    buffered = (buffered << 8) | byte;
    bufferedBits += 8;
    while (bufferedBits >= 5) {
      bufferedBits -= 5;
      id += alphabet[(buffered >>> bufferedBits) & 31];
    }
    buffered &= (1 << bufferedBits) - 1;
  }
  return bufferedBits > 0 ? id + alphabet[(buffered << (5 - bufferedBits)) & 31] : id;
}

function eventResource(request: CalendarEventRequest): calendar_v3.Schema$Event {
  const local = parseLocalDateTime(request.localStart);
  if (!local) throw invalidEvent(`The follow-up time "${request.localStart}" is not a date and time.`, 'localStart malformed');
  if (!Number.isInteger(request.durationMinutes) || request.durationMinutes <= 0) {
    throw invalidEvent('The follow-up meeting needs a positive duration.', `durationMinutes ${request.durationMinutes}`);
  }
  let startInstant: Date;
  try {
    startInstant = toInstant(local, request.timeZone);
  } catch {
    throw invalidEvent(`"${request.timeZone}" is not a time zone Google Calendar knows.`, 'unknown IANA zone');
  }
  const { timeZone } = request;
  // Local wall-clock times plus the zone, as the rep would type them; the end comes from the
  // real instant so a DST change inside the meeting keeps its length.
  const start = toLocalDateTime(startInstant, timeZone);
  const end = toLocalDateTime(new Date(startInstant.getTime() + request.durationMinutes * 60_000), timeZone);
  const attendees = [...new Map(request.attendees.map((attendee) => [attendee.email.trim().toLowerCase(), attendee])).values()];
  return {
    id: followUpEventId(request.idempotencyKey),
    summary: request.title,
    description: request.description,
    start: { dateTime: `${formatLocalDateTime(start)}:00`, timeZone },
    end: { dateTime: `${formatLocalDateTime(end)}:00`, timeZone },
    attendees: attendees.map((attendee) => ({ email: attendee.email.trim(), displayName: attendee.name ?? undefined })),
    // Derived from the key so a repeated insert asks for the same Meet conference.
    ...(request.withMeetLink ? { conferenceData: { createRequest: { requestId: `followup-${sha256Hex(request.idempotencyKey).slice(0, 32)}`, conferenceSolutionKey: { type: 'hangoutsMeet' } } } } : {}),
  };
}

function eventResult(event: calendar_v3.Schema$Event, calendarOwner: string): CalendarEventResult {
  if (!event.id) {
    throw new ExternalServiceError({ service: 'calendar', kind: 'retryable', userMessage: 'Google Calendar did not confirm the event; it will be checked again automatically.', detail: 'event without id' });
  }
  const meetUrl = event.hangoutLink ?? event.conferenceData?.entryPoints?.find((entry) => entry.entryPointType === 'video')?.uri ?? undefined;
  return {
    eventId: event.id,
    // Google's own `eid` is base64 of "<event id> <calendar id>", which rebuilds the link if it is absent.
    url: event.htmlLink ?? `https://www.google.com/calendar/event?eid=${Buffer.from(`${event.id} ${calendarOwner}`).toString('base64url')}`,
    ...(meetUrl ? { meetUrl } : {}),
  };
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function invalidEvent(userMessage: string, detail: string): ExternalServiceError {
  return new ExternalServiceError({ service: 'calendar', kind: 'invalid', userMessage, detail });
}

import assert from 'node:assert/strict';
import { createCalendarEvents, followUpEventId } from '../../clients/google/calendar-events';
import type { CalendarEventRequest } from '../../clients/google-workspace';
import { expectServiceError, rep, startGoogleTestBed, type GoogleTestBed } from './google-test-harness';

const eventsPath = /^\/calendar\/v3\/calendars\/primary\/events$/;

const request: CalendarEventRequest = {
  idempotencyKey: 'wf-meeting-42:event',
  title: 'Follow-up: Acme × Us',
  description: 'Agenda: pricing review\n\nRecording: https://fathom.video/share/xyz123',
  localStart: '2026-12-03T15:00',
  durationMinutes: 30,
  timeZone: 'Europe/Rome',
  attendees: [
    { email: 'john.smith@client.com', name: 'John Smith' },
    { email: 'alice@client.com', name: null },
  ],
  withMeetLink: true,
};

describe('Google Calendar events against the Google emulator', () => {
  let bed: GoogleTestBed;

  beforeEach(async () => {
    bed = await startGoogleTestBed();
  });

  afterEach(async () => {
    await bed.emulator.stop();
  });

  it('inserts the event under a deterministic id, with a Meet link and no invitations sent', async () => {
    const result = await createCalendarEvents({ app: bed.app, tokens: bed.tokens }).createEvent(request);

    assert.equal(result.eventId, followUpEventId(request.idempotencyKey));
    assert.match(result.eventId, /^[a-v0-9]{52}$/);
    const [insert] = bed.emulator.requestsTo('POST', eventsPath);
    assert.equal(insert?.query.get('sendUpdates'), 'none');
    assert.equal(insert?.query.get('conferenceDataVersion'), '1');

    const events = bed.emulator.events(rep.email);
    assert.equal(events.length, 1);
    const event = events[0]!;
    assert.equal(event.summary, request.title);
    assert.equal(event.description, request.description);
    assert.deepEqual(event.start, { dateTime: '2026-12-03T15:00:00', timeZone: 'Europe/Rome' });
    assert.deepEqual(event.end, { dateTime: '2026-12-03T15:30:00', timeZone: 'Europe/Rome' });
    assert.deepEqual(
      (event.attendees as { email: string; displayName?: string }[]).map(({ email, displayName }) => ({ email, displayName })),
      [
        { email: 'john.smith@client.com', displayName: 'John Smith' },
        { email: 'alice@client.com', displayName: undefined },
      ],
    );
    assert.deepEqual(bed.emulator.invitationsSent(result.eventId), []);
    assert.equal(result.url, event.htmlLink);
    assert.match(result.meetUrl ?? '', /^https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
    assert.equal(result.meetUrl, event.hangoutLink);
  });

  it('returns the same event for a repeated key (409 → get), leaving one event', async () => {
    const events = createCalendarEvents({ app: bed.app, tokens: bed.tokens });
    const first = await events.createEvent(request);
    const second = await events.createEvent(request);

    assert.deepEqual(second, first);
    assert.equal(bed.emulator.events(rep.email).length, 1);
    assert.equal(bed.emulator.requestsTo('POST', eventsPath).length, 2);
    assert.equal(bed.emulator.requestsTo('GET', /\/events\/[a-v0-9]+$/).length, 1);
  });

  it('sends the invitations once the rep confirms, and only once', async () => {
    const events = createCalendarEvents({ app: bed.app, tokens: bed.tokens });
    const { eventId } = await events.createEvent(request);
    await events.sendInvitations(eventId);
    assert.deepEqual(bed.emulator.invitationsSent(eventId), ['john.smith@client.com', 'alice@client.com']);

    const [patch] = bed.emulator.requestsTo('PATCH', /\/events\//);
    assert.equal(patch?.query.get('sendUpdates'), 'all');
    const event = bed.emulator.events(rep.email)[0]!;
    assert.deepEqual(event.start, { dateTime: '2026-12-03T15:00:00', timeZone: 'Europe/Rome' }, 'nothing else changed');
    assert.equal(event.summary, request.title);

    await events.sendInvitations(eventId);
    assert.equal(bed.emulator.invitationLog().length, 1, 'a retried confirmation emails nobody twice');
  });

  it('creates no conference without withMeetLink', async () => {
    const result = await createCalendarEvents({ app: bed.app, tokens: bed.tokens }).createEvent({ ...request, withMeetLink: false });
    assert.equal(result.meetUrl, undefined);
    assert.equal(bed.emulator.requestsTo('POST', eventsPath)[0]?.query.has('conferenceDataVersion'), false);
    assert.equal(bed.emulator.events(rep.email)[0]!.conferenceData, undefined);
  });

  it('keeps the real duration when the meeting spans a DST change', async () => {
    // Europe/Rome skips 02:00-03:00 on 2026-03-29: 01:45 + 30 minutes is 03:15.
    await createCalendarEvents({ app: bed.app, tokens: bed.tokens }).createEvent({ ...request, localStart: '2026-03-29T01:45' });
    assert.deepEqual(bed.emulator.events(rep.email)[0]!.end, { dateTime: '2026-03-29T03:15:00', timeZone: 'Europe/Rome' });
  });

  it('refuses a malformed start or unknown zone before calling Google', async () => {
    const events = createCalendarEvents({ app: bed.app, tokens: bed.tokens });
    await expectServiceError(events.createEvent({ ...request, localStart: 'next Tuesday' }), { service: 'calendar', kind: 'invalid' });
    await expectServiceError(events.createEvent({ ...request, timeZone: 'Mars/Olympus_Mons' }), { service: 'calendar', kind: 'invalid' });
    assert.equal(bed.emulator.requests.length, 0);
  });

  it('reports rate limits as retryable and a missing event as not-found', async () => {
    const events = createCalendarEvents({ app: bed.app, tokens: bed.tokens });
    bed.emulator.injectFault({
      method: 'POST',
      path: eventsPath,
      times: 1,
      fault: { status: 403, body: { error: { code: 403, message: 'Rate Limit Exceeded', errors: [{ domain: 'usageLimits', reason: 'rateLimitExceeded' }] } } },
    });
    await expectServiceError(events.createEvent(request), { service: 'calendar', kind: 'retryable', status: 403 });
    bed.emulator.injectFault({ method: 'POST', path: eventsPath, times: 1, fault: { status: 429, headers: { 'retry-after': '30' } } });
    await expectServiceError(events.createEvent(request), { service: 'calendar', kind: 'retryable', status: 429, retryAfterMs: 30_000 });
    await expectServiceError(events.sendInvitations(followUpEventId('never created')), { service: 'calendar', kind: 'not-found', status: 404 });
    assert.equal(bed.emulator.events(rep.email).length, 0);
  });
});

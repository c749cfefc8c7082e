import assert from 'node:assert/strict';
import { ExternalServiceError } from '../../domain/service-errors';
import { createFathomClient } from '../../clients/fathom-client';
import { MeetingsPageCache } from '../../clients/fathom-meetings-page-cache';
import { InProcessRateLimitStore } from '../../clients/in-process-rate-limit-store';
import type { MeetingSourceCredentials } from '../../clients/meeting-source';
import { FathomEmulator } from '../../emulators/fathom-emulator';
import { sampleMeeting } from '../../emulators/fathom-sample-meeting';

const ownerEmail = 'alice@acme.com';
const dayMs = 86_400_000;

/** A meeting created `ageMs` ago, so tests control the newest-first order. */
function meetingCreatedAgo(ageMs: number, title: string) {
  return sampleMeeting({ title, created_at: new Date(Date.now() - ageMs).toISOString() });
}

async function rejection(promise: Promise<unknown>): Promise<ExternalServiceError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ExternalServiceError, `expected ExternalServiceError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

describe('Fathom client', () => {
  let emulator: FathomEmulator;
  let keyCounter = 0;
  let apiKey: string;

  beforeEach(async () => {
    emulator = new FathomEmulator({ pageSize: 2 });
    await emulator.start();
    // A fresh key per test: each has its own window in the emulator and bucket in the limiter.
    keyCounter += 1;
    apiKey = `fathom-key-${keyCounter}`;
    emulator.registerApiKey(apiKey, ownerEmail, { team: 'Sales' });
  });

  afterEach(async () => {
    await emulator.stop();
  });

  function client(
    options: {
      credentials?: MeetingSourceCredentials;
      now?: () => number;
      sleep?: (ms: number) => Promise<void>;
      maxRateLimitWaitMs?: number;
      meetingsPageCache?: MeetingsPageCache;
    } = {},
  ) {
    return createFathomClient({
      credentials: options.credentials ?? { type: 'apiKey', apiKey },
      repEmail: ownerEmail,
      baseUrl: `${emulator.url}/external/v1`,
      now: options.now,
      sleep: options.sleep,
      rateLimits: new InProcessRateLimitStore(options.now),
      meetingsPageCache: options.meetingsPageCache ?? new MeetingsPageCache(),
      maxRateLimitWaitMs: options.maxRateLimitWaitMs,
    });
  }

  it('follows the cursor across three pages and collects every meeting', async () => {
    const titles = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6'];
    titles.forEach((title, index) => emulator.addMeeting(meetingCreatedAgo((index + 1) * 60_000, title)));

    const meetings = await client().listAllMeetings({});

    assert.deepEqual(meetings.map((meeting) => meeting.title), titles);
    const pageRequests = emulator.requestsTo('GET', /\/meetings$/);
    assert.equal(pageRequests.length, 3);
    assert.equal(pageRequests[0]!.query.get('cursor'), null);
    assert.ok(pageRequests[1]!.query.get('cursor'));
    assert.equal(meetings[0]!.externalAttendeeCount, 2);
    assert.ok(meetings[0]!.durationMinutes >= 30);
  });

  it('keeps only meetings the rep recorded or was invited to, not a teammate’s call shared with the team', async () => {
    const bob = { name: 'Bob Lee', email: 'bob@acme.com', email_domain: 'acme.com', team: 'Sales' };
    const bobAsInvitee = { name: bob.name, matched_speaker_display_name: null, email: bob.email, email_domain: bob.email_domain, is_external: false };
    const customer = { name: 'Dana Client', matched_speaker_display_name: null, email: 'dana@client.com', email_domain: 'client.com', is_external: true };
    emulator.addMeeting(meetingCreatedAgo(60_000, 'Alice recorded'));
    emulator.addMeeting({ ...meetingCreatedAgo(2 * 60_000, 'Bob recorded, Alice invited'), recorded_by: bob }, { sharedWithTeams: ['Sales'] });
    const bobsOwn = emulator.addMeeting(
      { ...meetingCreatedAgo(3 * 60_000, 'Bob alone with his customer'), recorded_by: bob, calendar_invitees: [bobAsInvitee, customer] },
      { sharedWithTeams: ['Sales'] },
    );

    const listed = await client().listAllMeetings({});

    assert.deepEqual(listed.map((meeting) => meeting.title), ['Alice recorded', 'Bob recorded, Alice invited']);
    const error = await rejection(client().getMeeting(String(bobsOwn.recording_id)));
    assert.equal(error.kind, 'not-found');
    assert.match(error.userMessage, /recorded by a teammate/);
    assert.equal(emulator.requestsTo('GET', /\/transcript$/).length, 0, 'the teammate’s transcript is never downloaded');
  });

  it('stops listing at max', async () => {
    for (let index = 0; index < 6; index += 1) emulator.addMeeting(meetingCreatedAgo((index + 1) * 60_000, `m${index}`));
    const meetings = await client().listAllMeetings({ max: 3 });
    assert.equal(meetings.length, 3);
    assert.equal(emulator.requestsTo('GET', /\/meetings$/).length, 2);
  });

  it('passes created_after and created_before through and returns one page with its cursor', async () => {
    for (let index = 0; index < 3; index += 1) emulator.addMeeting(meetingCreatedAgo((index + 1) * 60_000, `m${index}`));
    const createdAfter = new Date(Date.now() - dayMs).toISOString();
    const page = await client().listMeetings({ createdAfter });
    assert.equal(page.items.length, 2);
    assert.ok(page.nextCursor);
    const request = emulator.requestsTo('GET', /\/meetings$/)[0]!;
    assert.equal(request.query.get('created_after'), createdAfter);
    assert.equal(request.query.get('include_transcript'), null);
    assert.equal(request.headers['x-api-key'], apiKey);
  });

  it('finds a meeting beyond the first page, then loads its transcript from /recordings', async () => {
    const meetings = [1, 2, 3, 4, 5].map((index) => emulator.addMeeting(meetingCreatedAgo(index * 60_000, `m${index}`)));
    const target = meetings[4]!;

    const meeting = await client().getMeeting(String(target.recording_id));

    assert.equal(meeting.recordingId, String(target.recording_id));
    assert.equal(meeting.title, 'm5');
    assert.equal(meeting.url, target.url);
    assert.equal(meeting.shareUrl, target.share_url);
    assert.equal(meeting.startedAt, target.recording_start_time);
    assert.equal(meeting.endedAt, target.recording_end_time);
    assert.equal(meeting.language, 'en');
    assert.equal(meeting.recordedByEmail, ownerEmail);
    assert.deepEqual(meeting.attendees[1], { name: 'John Smith', email: 'john.smith@client.com', domain: 'client.com', external: true });
    assert.equal(meeting.attendees[0]!.external, false);
    assert.equal(meeting.transcript.length, target.transcript!.length);
    assert.deepEqual(meeting.transcript[1], {
      speaker: 'John Smith',
      speakerEmail: 'john.smith@client.com',
      text: target.transcript![1]!.text,
      timestamp: '00:00:05',
    });
    assert.equal(emulator.requestsTo('GET', /\/meetings$/).length, 3);
    assert.equal(emulator.requestsTo('GET', new RegExp(`/recordings/${target.recording_id}/transcript$`)).length, 1);
    assert.ok(emulator.requestsTo('GET', /\/meetings$/).every((request) => request.query.get('include_transcript') === null));
  });

  it('widens the search window for an older meeting without re-reading newer pages', async () => {
    emulator.addMeeting(meetingCreatedAgo(dayMs, 'recent'));
    const old = emulator.addMeeting(meetingCreatedAgo(45 * dayMs, 'old'));

    const meeting = await client().getMeeting(String(old.recording_id));

    assert.equal(meeting.title, 'old');
    const searches = emulator.requestsTo('GET', /\/meetings$/);
    assert.equal(searches.length, 2);
    assert.equal(searches[0]!.query.get('created_before'), null);
    const secondWindowEnd = Date.parse(searches[1]!.query.get('created_before')!);
    const firstWindowStart = Date.parse(searches[0]!.query.get('created_after')!);
    assert.ok(secondWindowEnd > firstWindowStart && secondWindowEnd - firstWindowStart <= 1_000);
  });

  it('lets lookups started together share the pages they search, spending the rate limit once', async () => {
    const meetings = [1, 2, 3, 4].map((index) => emulator.addMeeting(meetingCreatedAgo(index * 60_000, `m${index}`)));
    const pages = new MeetingsPageCache();

    const found = await Promise.all(meetings.map((meeting) => client({ meetingsPageCache: pages }).getMeeting(String(meeting.recording_id))));

    assert.deepEqual(found.map((meeting) => meeting.title), ['m1', 'm2', 'm3', 'm4']);
    assert.equal(emulator.requestsTo('GET', /\/meetings$/).length, 2, 'two pages of two meetings, each read once');
  });

  it('still finds a meeting recorded after the pages it reuses were read', async () => {
    emulator.addMeeting(meetingCreatedAgo(120_000, 'earlier'));
    const pages = new MeetingsPageCache();
    await client({ meetingsPageCache: pages }).getMeeting(String(emulator.addMeeting(meetingCreatedAgo(60_000, 'first')).recording_id));
    const justRecorded = emulator.addMeeting(meetingCreatedAgo(0, 'just recorded'));

    const meeting = await client({ meetingsPageCache: pages }).getMeeting(String(justRecorded.recording_id));

    assert.equal(meeting.title, 'just recorded');
  });

  it('reports a meeting it cannot find as not-found', async () => {
    emulator.addMeeting(meetingCreatedAgo(60_000, 'other'));
    const error = await rejection(client().getMeeting('123456'));
    assert.equal(error.kind, 'not-found');
    assert.equal(error.retryable, false);
  });

  it('rejects a recording id that is not a number without calling Fathom', async () => {
    const error = await rejection(client().getMeeting('../webhooks'));
    assert.equal(error.kind, 'invalid');
    assert.equal(emulator.requests.length, 0);
  });

  it('turns 429 into a retryable error carrying the RateLimit-Reset delay', async () => {
    emulator.injectFault({
      path: /\/meetings$/,
      times: 1,
      fault: { status: 429, headers: { 'ratelimit-limit': '60', 'ratelimit-remaining': '0', 'ratelimit-reset': '17' }, body: { error: 'Rate limit exceeded' } },
    });
    const error = await rejection(client().listMeetings({}));
    assert.equal(error.kind, 'retryable');
    assert.equal(error.status, 429);
    assert.equal(error.retryAfterMs, 17_000);
  });

  it('uses Retry-After when it is longer than the reset', async () => {
    emulator.injectFault({ path: /\/meetings$/, times: 1, fault: { status: 429, headers: { 'retry-after': '30', 'ratelimit-reset': '5' } } });
    const error = await rejection(client().listMeetings({}));
    assert.equal(error.retryAfterMs, 30_000);
  });

  function fakeClock() {
    const clock = { now: Date.now(), sleeps: [] as number[] };
    return {
      clock,
      now: () => clock.now,
      sleep: async (ms: number) => {
        clock.sleeps.push(ms);
        clock.now += ms;
      },
    };
  }

  it('after a 429, holds the next call until the server says the window resets', async () => {
    const { clock, now, sleep } = fakeClock();
    const fathom = client({ now, sleep, maxRateLimitWaitMs: Number.POSITIVE_INFINITY });
    emulator.injectFault({ path: /\/meetings$/, times: 1, fault: { status: 429, headers: { 'ratelimit-reset': '20' } } });
    const error = await rejection(fathom.listMeetings({}));
    assert.equal(error.retryAfterMs, 20_000);
    await fathom.listMeetings({});
    assert.deepEqual(clock.sleeps, [20_000]);
  });

  it('pauses before the server has to answer 429 when RateLimit-Remaining reaches 0', async () => {
    emulator.rateLimit = { limit: 1, windowSeconds: 60 };
    const { clock, now, sleep } = fakeClock();
    const fathom = client({ now, sleep, maxRateLimitWaitMs: Number.POSITIVE_INFINITY });
    await fathom.listMeetings({});
    emulator.resetRateLimits();
    await fathom.listMeetings({});
    assert.equal(clock.sleeps.length, 1);
    assert.ok(clock.sleeps[0]! > 55_000 && clock.sleeps[0]! <= 60_000);
  });

  it('spaces calls once the burst is spent (fake clock)', async () => {
    const { clock, now, sleep } = fakeClock();
    const fathom = client({ now, sleep });
    for (let call = 0; call < 12; call += 1) await fathom.listMeetings({});
    // Burst of 10, then one call per 1.2 s (50 per minute).
    assert.deepEqual(clock.sleeps, [1_200, 1_200]);
    assert.equal(emulator.requestsTo('GET', /\/meetings$/).length, 12);
  });

  it('maps 401 to reconnect with a message the rep can act on, without the key', async () => {
    const error = await rejection(client({ credentials: { type: 'apiKey', apiKey: 'revoked-secret-key' } }).listMeetings({}));
    assert.equal(error.kind, 'reconnect');
    assert.equal(error.userMessage, 'Fathom rejected the API key. Reconnect Fathom in App Home.');
    assert.ok(!error.message.includes('revoked-secret-key'));
  });

  it('sends OAuth tokens as a bearer header', async () => {
    emulator.registerOAuthToken('oauth-token-1', ownerEmail);
    emulator.addMeeting(meetingCreatedAgo(60_000, 'm1'));
    const meetings = await client({ credentials: { type: 'oauth', accessToken: 'oauth-token-1' } }).listAllMeetings({});
    assert.equal(meetings.length, 1);
    const request = emulator.requestsTo('GET', /\/meetings$/)[0]!;
    assert.equal(request.headers.authorization, 'Bearer oauth-token-1');
    assert.equal(request.headers['x-api-key'], undefined);
  });

  it('maps a transcript 404 to not-found and server errors to retryable', async () => {
    const meeting = emulator.addMeeting(meetingCreatedAgo(60_000, 'm1'));
    emulator.injectFault({ path: /\/transcript$/, times: 1, fault: { status: 404, body: { error: 'Not found' } } });
    assert.equal((await rejection(client().getMeeting(String(meeting.recording_id)))).kind, 'not-found');
    emulator.injectFault({ path: /\/meetings$/, times: 1, fault: { status: 503 } });
    assert.equal((await rejection(client().listMeetings({}))).kind, 'retryable');
  });

  it('treats a 200 that is not JSON as retryable', async () => {
    emulator.injectFault({ path: /\/meetings$/, times: 1, fault: { status: 200, body: '<html>Bad gateway</html>' } });
    const error = await rejection(client().listMeetings({}));
    assert.equal(error.kind, 'retryable');
    assert.match(error.detail!, /not JSON/);
  });

  it('treats a dropped connection as retryable', async () => {
    emulator.injectFault({ path: /\/meetings$/, times: 1, fault: { status: 0, destroySocket: true } });
    assert.equal((await rejection(client().listMeetings({}))).kind, 'retryable');
  });

  it('rejects a malformed meeting with an invalid error naming the field', async () => {
    emulator.addMeeting({ ...meetingCreatedAgo(60_000, 'm1'), calendar_invitees: [{ name: 'X', email: null, email_domain: null, is_external: 'yes' as unknown as boolean }] });
    const error = await rejection(client().listMeetings({}));
    assert.equal(error.kind, 'invalid');
    assert.match(error.detail!, /calendar_invitees\[0\]\.is_external/);
  });
});

import assert from 'node:assert/strict';
import { calendar, type calendar_v3 } from '@googleapis/calendar';
import { gmail, type gmail_v1 } from '@googleapis/gmail';
import { OAuth2Client } from 'google-auth-library';
import { GoogleEmulator } from '../../emulators/google-emulator';

const clientId = 'google-client-id.apps.googleusercontent.com';
const clientSecret = 'google-client-secret';
const alice = { email: 'alice@acme.com', refreshToken: '1//alice-refresh-token', tz: 'America/Los_Angeles' };

/** A follow-up email as the product builds it: CRLF, RFC 2047 subject, text + html alternatives. */
function followUpEmail(messageId: string): string {
  const subject = `=?UTF-8?B?${Buffer.from('Great speaking today — next steps').toString('base64')}?=`;
  return [
    'To: "Smith, John" <john.smith@client.com>, priya.patel@client.com',
    `Subject: ${subject}`,
    `Message-ID: <${messageId}>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset="UTF-8"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('Hi John,\r\nThanks for your time — proposal attached.').toString('base64'),
    '--b1',
    'Content-Type: text/html; charset="UTF-8"',
    '',
    '<p>Hi John,</p>',
    '--b1--',
    '',
  ].join('\r\n');
}

/** The HTTP failure gaxios (under googleapis and google-auth-library) throws. */
interface HttpFailure {
  response?: { status: number; data: unknown };
}

async function googleFailure(call: Promise<unknown>): Promise<HttpFailure> {
  const error = await call.then(
    () => assert.fail('expected the call to fail'),
    (caught: unknown) => caught as HttpFailure,
  );
  assert.ok(error.response, `expected an HTTP error response, got ${String(error)}`);
  return error;
}

function googleReason(failure: HttpFailure): string | undefined {
  return (failure.response?.data as { error?: { errors?: { reason: string }[] } }).error?.errors?.[0]?.reason;
}

describe('GoogleEmulator with googleapis and google-auth-library', () => {
  let google: GoogleEmulator;

  const oauthClient = (credentials: { refresh_token?: string; access_token?: string; expiry_date?: number }) => {
    const client = new OAuth2Client({ clientId, clientSecret, endpoints: { oauth2TokenUrl: `${google.url}/token`, oauth2RevokeUrl: `${google.url}/revoke` } });
    client.setCredentials(credentials);
    return client;
  };
  // googleapis-common pins google-auth-library 10.5.0 while the app depends on 10.9.1: the same class at
  // runtime, but two declarations to TypeScript, so the client is handed over through `unknown`.
  const gmailFor = (auth: OAuth2Client) => gmail({ version: 'v1', auth: auth as unknown as gmail_v1.Options['auth'], rootUrl: `${google.url}/` });
  const calendarFor = (auth: OAuth2Client) => calendar({ version: 'v3', auth: auth as unknown as calendar_v3.Options['auth'], rootUrl: `${google.url}/` });
  const tokenCalls = () => google.requestsTo('POST', /^\/token$/).length;

  beforeEach(async () => {
    google = new GoogleEmulator({ oauthClient: { clientId, clientSecret } });
    await google.start();
    google.registerUser(alice);
  });

  afterEach(() => google.stop());

  describe('OAuth', () => {
    it('refreshes an access token from a stored refresh token before the first API call', async () => {
      const auth = oauthClient({ refresh_token: alice.refreshToken });
      const created = await gmailFor(auth).users.drafts.create({ userId: 'me', requestBody: { message: { raw: Buffer.from(followUpEmail('a@x')).toString('base64url') } } });

      assert.equal(created.status, 200);
      assert.equal(tokenCalls(), 1);
      const refresh = google.requestsTo('POST', /^\/token$/)[0]!.body as Record<string, string>;
      assert.equal(refresh.grant_type, 'refresh_token');
      assert.equal(refresh.client_id, clientId);
      assert.match(auth.credentials.access_token!, /^ya29\./);
      assert.ok(auth.credentials.expiry_date! > Date.now() + 3500_000);
    });

    it('answers invalid_grant for a revoked or unknown refresh token', async () => {
      google.revokeUser(alice.email);
      const error = await googleFailure(oauthClient({ refresh_token: alice.refreshToken }).getAccessToken());
      assert.equal(error.response?.status, 400);
      assert.deepEqual(error.response?.data, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    });

    it('rejects unknown OAuth clients', async () => {
      const stranger = new OAuth2Client({ clientId: 'other', clientSecret, endpoints: { oauth2TokenUrl: `${google.url}/token` } });
      stranger.setCredentials({ refresh_token: alice.refreshToken });
      const error = await googleFailure(stranger.getAccessToken());
      assert.equal(error.response?.status, 401);
      assert.equal((error.response?.data as { error: string }).error, 'invalid_client');
    });

    it('exchanges an authorization code once, for tokens including a refresh token', async () => {
      const code = google.issueAuthCode('bob@acme.com', { redirectUri: 'http://localhost/oauth/google' });
      const client = new OAuth2Client({ clientId, clientSecret, redirectUri: 'http://localhost/oauth/google', endpoints: { oauth2TokenUrl: `${google.url}/token` } });
      const { tokens } = await client.getToken(code);

      assert.match(tokens.refresh_token!, /^1\/\//);
      assert.equal(tokens.token_type, 'Bearer');
      assert.match(tokens.scope!, /gmail\.compose/);
      assert.equal((await googleFailure(client.getToken(code))).response?.status, 400);
    });

    it('answers 401 in Google’s error shape for an expired token, and the client refreshes and retries', async () => {
      const first = oauthClient({ refresh_token: alice.refreshToken });
      await first.getAccessToken();
      google.expireAccessTokens();

      // Holding an access token without an expiry makes google-auth-library refresh on 401 and retry once.
      const stale = oauthClient({ refresh_token: alice.refreshToken, access_token: first.credentials.access_token! });
      const listed = await gmailFor(stale).users.drafts.list({ userId: 'me' });
      assert.equal(listed.status, 200);
      assert.notEqual(stale.credentials.access_token, first.credentials.access_token);

      // With an expiry the client trusts its token, so the 401 reaches the caller.
      const trusting = oauthClient({ access_token: first.credentials.access_token!, expiry_date: Date.now() + 3_000_000 });
      const error = await googleFailure(gmailFor(trusting).users.drafts.list({ userId: 'me' }));
      assert.equal(error.response?.status, 401);
      const body = error.response?.data as { error: { status: string; errors: { reason: string; message: string }[] } };
      assert.equal(body.error.status, 'UNAUTHENTICATED');
      assert.deepEqual([body.error.errors[0]!.reason, body.error.errors[0]!.message], ['authError', 'Invalid Credentials']);
    });
  });

  describe('Gmail drafts', () => {
    it('creates a draft from base64url raw and decodes its headers and parts', async () => {
      const mail = gmailFor(oauthClient({ refresh_token: alice.refreshToken }));
      const created = await mail.users.drafts.create({
        userId: 'me',
        requestBody: { message: { raw: Buffer.from(followUpEmail('followup-42@acme.com')).toString('base64url') } },
      });

      assert.match(created.data.id!, /^r-\d+$/);
      assert.match(created.data.message!.id!, /^[0-9a-f]{16}$/);
      assert.equal(created.data.message!.threadId, created.data.message!.id);
      assert.deepEqual(created.data.message!.labelIds, ['DRAFT']);
      const [draft] = google.drafts(alice.email);
      assert.equal(draft!.parsed.subject, 'Great speaking today — next steps');
      assert.deepEqual(draft!.parsed.to, ['john.smith@client.com', 'priya.patel@client.com']);
      assert.equal(draft!.parsed.textBody, 'Hi John,\r\nThanks for your time — proposal attached.');
      assert.equal(draft!.parsed.htmlBody, '<p>Hi John,</p>');
      assert.equal(draft!.messageId, 'followup-42@acme.com');

      const fetched = await mail.users.drafts.get({ userId: 'me', id: created.data.id! });
      assert.equal(fetched.data.message?.payload?.mimeType, 'multipart/alternative');
      assert.equal(fetched.data.message?.payload?.parts?.length, 2);
      assert.equal(Buffer.from(fetched.data.message!.payload!.parts![1]!.body!.data!, 'base64url').toString(), '<p>Hi John,</p>');
    });

    it('finds a draft by rfc822msgid once the search index caught up, and omits the list when nothing matches', async () => {
      google.gmailSearchLagMs = 300;
      const mail = gmailFor(oauthClient({ refresh_token: alice.refreshToken }));
      const created = await mail.users.drafts.create({ userId: 'me', requestBody: { message: { raw: Buffer.from(followUpEmail('idem-1@acme.com')).toString('base64url') } } });

      const tooSoon = await mail.users.drafts.list({ userId: 'me', q: 'rfc822msgid:<idem-1@acme.com>' });
      assert.equal(tooSoon.data.drafts, undefined, 'the search index lags a fresh insert');
      const mailbox = await mail.users.drafts.list({ userId: 'me' });
      assert.deepEqual(mailbox.data.drafts?.map((draft) => draft.id), [created.data.id], 'a plain list reads the mailbox at once');
      const metadata = await mail.users.drafts.get({ userId: 'me', id: created.data.id!, format: 'metadata' });
      assert.ok(metadata.data.message?.payload?.headers?.some((header) => header.name === 'Message-ID' && header.value === '<idem-1@acme.com>'));

      await new Promise((resolve) => setTimeout(resolve, 350));
      const found = await mail.users.drafts.list({ userId: 'me', q: 'rfc822msgid:<idem-1@acme.com>' });
      assert.deepEqual(found.data.drafts?.map((draft) => draft.id), [created.data.id]);
      const messagesError = await googleFailure(mail.users.messages.list({ userId: 'me', q: 'rfc822msgid:idem-1@acme.com' }));
      assert.equal(messagesError.response?.status, 403, 'gmail.compose does not cover messages.list');

      const missing = await mail.users.drafts.list({ userId: 'me', q: 'rfc822msgid:other@acme.com' });
      assert.equal(missing.data.drafts, undefined);
      assert.equal(missing.data.resultSizeEstimate, 0);
    });

    it('keeps mailboxes apart and rejects standard-base64 raw', async () => {
      google.registerUser({ email: 'bob@acme.com', refreshToken: '1//bob' });
      const mail = gmailFor(oauthClient({ refresh_token: alice.refreshToken }));
      await mail.users.drafts.create({ userId: 'me', requestBody: { message: { raw: Buffer.from(followUpEmail('m@acme.com')).toString('base64url') } } });
      const bobs = await gmailFor(oauthClient({ refresh_token: '1//bob' })).users.drafts.list({ userId: 'me' });
      assert.equal(bobs.data.resultSizeEstimate, 0);

      const padded = Buffer.from(`Subject: ???\r\n\r\n${'>'.repeat(30)}`).toString('base64');
      assert.match(padded, /[+/]/);
      const error = await googleFailure(mail.users.drafts.create({ userId: 'me', requestBody: { message: { raw: padded } } }));
      assert.equal(error.response?.status, 400);
      assert.equal(googleReason(error), 'invalidArgument');
    });
  });

  describe('Calendar events', () => {
    const followUpEvent = {
      id: 'meeting42recap',
      summary: 'Follow-up: Acme × Client Inc',
      start: { dateTime: '2025-03-08T10:00:00', timeZone: 'America/Los_Angeles' },
      end: { dateTime: '2025-03-08T10:30:00-08:00', timeZone: 'America/Los_Angeles' },
      attendees: [{ email: 'john.smith@client.com', displayName: 'John Smith' }, { email: 'alice@acme.com' }],
      conferenceData: { createRequest: { requestId: 'meeting-42-followup', conferenceSolutionKey: { type: 'hangoutsMeet' } } },
    };

    it('inserts with a client id and a Meet link, then answers 409 duplicate on reuse', async () => {
      const cal = calendarFor(oauthClient({ refresh_token: alice.refreshToken }));
      const inserted = await cal.events.insert({ calendarId: 'primary', sendUpdates: 'none', conferenceDataVersion: 1, requestBody: followUpEvent });

      assert.equal(inserted.data.id, 'meeting42recap');
      assert.equal(inserted.data.status, 'confirmed');
      assert.match(inserted.data.htmlLink!, /^https:\/\/www\.google\.com\/calendar\/event\?eid=/);
      assert.match(inserted.data.hangoutLink!, /^https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
      assert.equal(inserted.data.conferenceData?.createRequest?.status?.statusCode, 'success');
      assert.deepEqual(inserted.data.attendees?.map((attendee) => attendee.responseStatus), ['needsAction', 'accepted']);
      assert.equal(inserted.data.organizer?.email, alice.email);
      assert.deepEqual(google.invitationsSent('meeting42recap'), []);

      const duplicate = await googleFailure(cal.events.insert({ calendarId: 'primary', requestBody: followUpEvent }));
      assert.equal(duplicate.response?.status, 409);
      assert.equal(googleReason(duplicate), 'duplicate');
    });

    it('validates ids and times like Google', async () => {
      const cal = calendarFor(oauthClient({ refresh_token: alice.refreshToken }));
      const rejection = async (requestBody: object) => {
        const failure = await googleFailure(cal.events.insert({ calendarId: 'primary', requestBody }));
        return [failure.response?.status, googleReason(failure)];
      };

      assert.deepEqual(await rejection({ ...followUpEvent, id: 'followup42' }), [400, 'invalid']); // 'w' is not base32hex
      assert.deepEqual(await rejection({ ...followUpEvent, id: 'abc' }), [400, 'invalid']);
      assert.deepEqual(await rejection({ ...followUpEvent, id: undefined, end: followUpEvent.start }), [400, 'timeRangeEmpty']);
      assert.deepEqual(await rejection({ ...followUpEvent, id: undefined, start: { dateTime: '2025-03-08T10:00:00' } }), [400, 'required']);
      assert.deepEqual(await rejection({ ...followUpEvent, id: undefined, attendees: [{ email: 'not-an-email' }] }), [400, 'invalid']);
    });

    it('ignores conferenceData without conferenceDataVersion=1', async () => {
      const cal = calendarFor(oauthClient({ refresh_token: alice.refreshToken }));
      const inserted = await cal.events.insert({ calendarId: 'primary', requestBody: { ...followUpEvent, id: undefined } });
      assert.equal(inserted.data.hangoutLink, undefined);
      assert.equal(inserted.data.conferenceData, undefined);
    });

    it('gets events, 404s unknown ones, and records invitations sent by a later patch', async () => {
      const cal = calendarFor(oauthClient({ refresh_token: alice.refreshToken }));
      await cal.events.insert({ calendarId: 'primary', conferenceDataVersion: 1, requestBody: followUpEvent });

      const fetched = await cal.events.get({ calendarId: 'primary', eventId: 'meeting42recap' });
      assert.equal(fetched.data.summary, followUpEvent.summary);
      assert.equal((await googleFailure(cal.events.get({ calendarId: 'primary', eventId: 'missing00' }))).response?.status, 404);

      const patched = await cal.events.patch({ calendarId: 'primary', eventId: 'meeting42recap', sendUpdates: 'all', requestBody: { description: 'Agenda: pilot scope' } });
      assert.equal(patched.data.description, 'Agenda: pilot scope');
      assert.equal(patched.data.hangoutLink, fetched.data.hangoutLink);
      assert.equal(patched.data.sequence, 0);
      assert.deepEqual(google.invitationsSent('meeting42recap'), ['john.smith@client.com']);
      assert.deepEqual(
        google.invitationLog().map((batch) => [batch.reason, batch.sendUpdates]),
        [['updated', 'all']],
      );
    });

    it('reports the user’s time zone', async () => {
      const cal = calendarFor(oauthClient({ refresh_token: alice.refreshToken }));
      assert.equal((await cal.settings.get({ setting: 'timezone' })).data.value, 'America/Los_Angeles');
      assert.equal((await cal.calendars.get({ calendarId: 'primary' })).data.timeZone, 'America/Los_Angeles');
    });
  });
});

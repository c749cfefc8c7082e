import assert from 'node:assert/strict';
import { FathomEmulator } from '../../emulators/fathom-emulator';
import { sampleMeeting, type FathomMeeting } from '../../emulators/fathom-sample-meeting';
import { signFathomWebhook } from '../../emulators/fathom-webhook-signer';

interface MeetingsPage {
  limit: number | null;
  next_cursor: string | null;
  items: FathomMeeting[];
}

describe('FathomEmulator over HTTP', () => {
  let fathom: FathomEmulator;
  const apiKey = 'fathom-key-alice';

  const get = (path: string, headers: Record<string, string> = { 'x-api-key': apiKey }) => fetch(`${fathom.url}/external/v1${path}`, { headers });
  const getJson = async <T>(path: string, headers?: Record<string, string>): Promise<T> => {
    const response = await get(path, headers);
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as T;
  };

  beforeEach(async () => {
    fathom = new FathomEmulator();
    await fathom.start();
    fathom.registerApiKey(apiKey, 'alice@acme.com');
  });

  afterEach(() => fathom.stop());

  it('rejects requests without a known API key or token', async () => {
    assert.equal((await get('/meetings', {})).status, 401);
    assert.equal((await get('/meetings', { 'x-api-key': 'nope' })).status, 401);
    assert.equal((await get('/meetings', { authorization: 'Bearer nope' })).status, 401);
    assert.equal((await get('/meetings')).status, 200);
    fathom.revokeApiKey(apiKey);
    assert.equal((await get('/meetings')).status, 401);
  });

  it('pages through meetings with next_cursor, newest first', async () => {
    const base = Date.parse('2025-03-01T10:00:00Z');
    for (let index = 0; index < 23; index += 1) {
      fathom.addMeeting(sampleMeeting({ recording_id: 1000 + index, created_at: new Date(base + index * 60_000).toISOString() }));
    }
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: MeetingsPage = await getJson<MeetingsPage>(`/meetings${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(page.limit, 10);
      seen.push(...page.items.map((meeting) => meeting.recording_id));
      cursor = page.next_cursor;
    } while (cursor);

    assert.equal(seen.length, 23);
    assert.equal(seen[0], 1022);
    assert.equal(seen.at(-1), 1000);
    assert.equal((await get('/meetings?cursor=garbage')).status, 400);
  });

  it('includes transcript, summary, action items and CRM matches only when asked', async () => {
    fathom.addMeeting(sampleMeeting({ recording_id: 42 }));
    const bare = await getJson<MeetingsPage>('/meetings');
    assert.equal(bare.items[0]!.transcript, null);
    assert.equal(bare.items[0]!.default_summary, null);
    assert.equal(bare.items[0]!.action_items, null);
    assert.equal(bare.items[0]!.crm_matches, null);

    const full = await getJson<MeetingsPage>('/meetings?include_transcript=true&include_summary=true&include_action_items=true&include_crm_matches=true');
    const meeting = full.items[0]!;
    assert.ok(meeting.transcript!.length > 0);
    assert.equal(meeting.transcript![0]!.timestamp, '00:00:00');
    assert.equal(meeting.default_summary?.template_name, 'general');
    assert.equal(meeting.action_items?.[0]?.assignee.email, 'alice@acme.com');
    assert.equal(meeting.crm_matches?.error, null);
    assert.deepEqual(
      meeting.calendar_invitees.map((invitee) => [invitee.email, invitee.is_external]),
      [['alice@acme.com', false], ['john.smith@client.com', true], ['priya.patel@client.com', true]],
    );
  });

  it('filters by creation time, recorder and invitee domains, and shows only the key owner’s recordings', async () => {
    fathom.addMeeting(sampleMeeting({ recording_id: 1, created_at: '2025-03-01T10:00:00Z' }));
    fathom.addMeeting(sampleMeeting({ recording_id: 2, created_at: '2025-03-02T10:00:00Z', calendar_invitees_domains_type: 'only_internal' }));
    fathom.addMeeting(sampleMeeting({ recording_id: 3, recorded_by: { name: 'Bob', email: 'bob@acme.com', email_domain: 'acme.com', team: 'Sales' } }));
    const ids = async (query: string) => (await getJson<MeetingsPage>(`/meetings?${query}`)).items.map((meeting) => meeting.recording_id);

    assert.deepEqual(await ids(''), [2, 1]);
    assert.deepEqual(await ids('created_after=2025-03-01T12:00:00Z'), [2]);
    assert.deepEqual(await ids('created_before=2025-03-01T12:00:00Z'), [1]);
    assert.deepEqual(await ids('calendar_invitees_domains_type=one_or_more_external'), [1]);
    assert.deepEqual(await ids('recorded_by[]=alice@acme.com'), [2, 1]);
    assert.deepEqual(await ids('recorded_by[]=bob@acme.com'), []);
    assert.deepEqual(await ids('calendar_invitees_domains[]=client.com'), [2, 1]);
    assert.equal((await get('/meetings?created_after=yesterday')).status, 400);
    assert.equal((await get('/meetings?calendar_invitees_domains_type=external')).status, 400);
  });

  it('lists the meetings shared with the key owner’s team besides their own, as the API documents', async () => {
    const bob = { name: 'Bob', email: 'bob@acme.com', email_domain: 'acme.com', team: 'Sales' };
    fathom.registerApiKey('fathom-key-carol', 'carol@acme.com', { team: 'Sales' });
    fathom.addMeeting(sampleMeeting({ recording_id: 11, created_at: '2025-03-01T10:00:00Z', recorded_by: bob }), { sharedWithTeams: ['Sales'] });
    fathom.addMeeting(sampleMeeting({ recording_id: 12, created_at: '2025-03-02T10:00:00Z', recorded_by: bob }));
    fathom.addMeeting(sampleMeeting({ recording_id: 13, created_at: '2025-03-03T10:00:00Z', recorded_by: { ...bob, email: 'carol@acme.com' } }));
    const carol = { 'x-api-key': 'fathom-key-carol' };
    const ids = async (query: string) => (await getJson<MeetingsPage>(`/meetings?${query}`, carol)).items.map((meeting) => meeting.recording_id);

    assert.deepEqual(await ids(''), [13, 11], 'her own recording and Bob’s shared one; not Bob’s private one');
    assert.deepEqual(await ids('recorded_by[]=carol@acme.com'), [13]);
    assert.deepEqual(await ids('teams[]=Sales'), [13, 11]);
    assert.equal((await get('/recordings/11/transcript', carol)).status, 200);
    assert.equal((await get('/recordings/12/transcript', carol)).status, 404);
    assert.deepEqual((await getJson<MeetingsPage>('/meetings')).items.map((meeting) => meeting.recording_id), [], 'Alice has no team: none of these');
  });

  it('serves transcripts and summaries per recording, 404 for someone else’s', async () => {
    fathom.addMeeting(sampleMeeting({ recording_id: 7 }));
    fathom.addMeeting(sampleMeeting({ recording_id: 8, recorded_by: { name: 'Bob', email: 'bob@acme.com', email_domain: 'acme.com', team: null } }));

    const { transcript } = await getJson<{ transcript: FathomMeeting['transcript'] }>('/recordings/7/transcript');
    assert.equal(transcript![1]!.speaker.matched_calendar_invitee_email, 'john.smith@client.com');
    const { summary } = await getJson<{ summary: FathomMeeting['default_summary'] }>('/recordings/7/summary');
    assert.match(summary!.markdown_formatted!, /^## Summary/);
    assert.equal((await get('/recordings/8/transcript')).status, 404);
    assert.equal((await get('/recordings/999/summary')).status, 404);
  });

  it('refuses include_transcript for OAuth apps, who must use /recordings instead', async () => {
    fathom.registerOAuthToken('oauth-token-alice', 'alice@acme.com');
    fathom.addMeeting(sampleMeeting({ recording_id: 9 }));
    const oauth = { authorization: 'Bearer oauth-token-alice' };
    assert.equal((await get('/meetings?include_transcript=true', oauth)).status, 400);
    assert.equal((await getJson<MeetingsPage>('/meetings', oauth)).items.length, 1);
    assert.ok((await getJson<{ transcript: unknown[] }>('/recordings/9/transcript', oauth)).transcript.length > 0);
  });

  it('limits each credential per window and reports RateLimit-* headers', async () => {
    fathom.rateLimit = { limit: 3, windowSeconds: 60 };
    const first = await get('/meetings');
    assert.equal(first.headers.get('ratelimit-limit'), '3');
    assert.equal(first.headers.get('ratelimit-remaining'), '2');
    await get('/meetings');
    await get('/meetings');
    const limited = await get('/meetings');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('ratelimit-remaining'), '0');
    assert.ok(Number(limited.headers.get('ratelimit-reset')) > 0);

    fathom.registerApiKey('fathom-key-bob', 'bob@acme.com');
    assert.equal((await get('/meetings', { 'x-api-key': 'fathom-key-bob' })).status, 200);
    fathom.resetRateLimits();
    assert.equal((await get('/meetings')).status, 200);
  });

  it('builds a 2-hour transcript for size tests', () => {
    const meeting = sampleMeeting({}, { transcriptLines: 1440 });
    assert.equal(meeting.transcript!.length, 1440);
    assert.equal(meeting.transcript!.at(-1)!.timestamp, '01:59:55');
    assert.equal(Date.parse(meeting.recording_end_time) - Date.parse(meeting.recording_start_time), 2 * 3600 * 1000);
  });
});

describe('Fathom webhook signing', () => {
  it('reproduces the published Standard Webhooks test vector', () => {
    const signed = signFathomWebhook({
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      webhookId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestamp: 1614265330,
      body: '{"test": 2432232314}',
    });
    assert.equal(signed.headers['webhook-signature'], 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
    assert.equal(signed.headers['webhook-id'], 'msg_p5jXN8AQM9LWM0D4loKWxJek');
    assert.equal(signed.headers['webhook-timestamp'], '1614265330');
  });

  it('signs the same with or without the whsec_ prefix', () => {
    const delivery = { webhookId: 'msg_1', timestamp: 1700000000, body: '{}' };
    assert.equal(
      signFathomWebhook({ ...delivery, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }).headers['webhook-signature'],
      signFathomWebhook({ ...delivery, secret: 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }).headers['webhook-signature'],
    );
  });
});

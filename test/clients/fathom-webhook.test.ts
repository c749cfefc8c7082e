import assert from 'node:assert/strict';
import { ExternalServiceError } from '../../domain/service-errors';
import { parseFathomWebhookMeeting, verifyFathomWebhook } from '../../clients/fathom-webhook';
import { sampleMeeting } from '../../emulators/fathom-sample-meeting';
import { signFathomWebhook } from '../../emulators/fathom-webhook-signer';

/** The published Svix test vector, as given in api-contracts.md §1. */
const vector = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  headers: {
    'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    'webhook-timestamp': '1614265330',
    'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  },
  rawBody: '{"test": 2432232314}',
  now: 1614265330 * 1000 + 10_000,
};

function reasonOf(result: ReturnType<typeof verifyFathomWebhook>): string {
  assert.equal(result.ok, false);
  return (result as { reason: string }).reason;
}

describe('Fathom webhook verification', () => {
  it('accepts the published test vector', () => {
    assert.deepEqual(verifyFathomWebhook(vector), { ok: true, webhookId: 'msg_p5jXN8AQM9LWM0D4loKWxJek' });
  });

  it('accepts the body as a Buffer and a secret without the whsec_ prefix', () => {
    const result = verifyFathomWebhook({ ...vector, secret: vector.secret.slice('whsec_'.length), rawBody: Buffer.from(vector.rawBody) });
    assert.equal(result.ok, true);
  });

  it('accepts when any of several signatures matches (secret rotation)', () => {
    const headers = { ...vector.headers, 'webhook-signature': `v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= ${vector.headers['webhook-signature']}` };
    assert.equal(verifyFathomWebhook({ ...vector, headers }).ok, true);
  });

  it('rejects a tampered body', () => {
    assert.match(reasonOf(verifyFathomWebhook({ ...vector, rawBody: '{"test": 2432232315}' })), /signature/);
  });

  it('rejects a re-serialised body (the raw bytes are what is signed)', () => {
    assert.equal(verifyFathomWebhook({ ...vector, rawBody: JSON.stringify(JSON.parse(vector.rawBody)) }).ok, false);
  });

  it('rejects the wrong secret', () => {
    assert.match(reasonOf(verifyFathomWebhook({ ...vector, secret: 'whsec_c2VjcmV0LXRoYXQtaXMtbm90LXRoZS1yaWdodC1vbmU=' })), /signature/);
  });

  it('rejects a signature of another length or scheme', () => {
    assert.equal(verifyFathomWebhook({ ...vector, headers: { ...vector.headers, 'webhook-signature': 'v1,short' } }).ok, false);
    const v2 = vector.headers['webhook-signature'].replace('v1,', 'v2,');
    assert.equal(verifyFathomWebhook({ ...vector, headers: { ...vector.headers, 'webhook-signature': v2 } }).ok, false);
  });

  it('rejects timestamps more than 5 minutes old or ahead', () => {
    const signedAt = 1614265330 * 1000;
    assert.match(reasonOf(verifyFathomWebhook({ ...vector, now: signedAt + 301_000 })), /too old/);
    assert.match(reasonOf(verifyFathomWebhook({ ...vector, now: signedAt - 301_000 })), /future/);
    assert.equal(verifyFathomWebhook({ ...vector, now: signedAt + 299_000 }).ok, true);
    assert.equal(verifyFathomWebhook({ ...vector, now: signedAt - 299_000 }).ok, true);
  });

  it('rejects missing headers and a malformed timestamp', () => {
    for (const header of ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const) {
      const headers: Record<string, string> = { ...vector.headers };
      delete headers[header];
      assert.match(reasonOf(verifyFathomWebhook({ ...vector, headers })), new RegExp(`missing ${header}`));
    }
    assert.match(reasonOf(verifyFathomWebhook({ ...vector, headers: { ...vector.headers, 'webhook-timestamp': '1614265330.5' } })), /Unix time/);
  });

  it('rejects everything when no secret is configured', () => {
    assert.match(reasonOf(verifyFathomWebhook({ ...vector, secret: '' })), /secret/);
  });

  it('round-trips a delivery signed the way Fathom signs it, then parses the meeting', () => {
    const secret = `whsec_${Buffer.from('a-webhook-secret-of-32-bytes-ok!').toString('base64')}`;
    const meeting = sampleMeeting();
    const body = JSON.stringify(meeting);
    const { headers } = signFathomWebhook({ secret, body, webhookId: 'msg_1' });

    assert.deepEqual(verifyFathomWebhook({ secret, headers, rawBody: body }), { ok: true, webhookId: 'msg_1' });
    const parsed = parseFathomWebhookMeeting(JSON.parse(body));
    assert.equal(parsed.recordingId, String(meeting.recording_id));
    assert.equal(parsed.title, meeting.title);
    assert.equal(parsed.transcript.length, meeting.transcript!.length);
    assert.equal(parsed.attendees.filter((attendee) => attendee.external).length, 2);
  });
});

describe('Fathom webhook payload', () => {
  function parseError(body: unknown): ExternalServiceError {
    try {
      parseFathomWebhookMeeting(body);
    } catch (error) {
      assert.ok(error instanceof ExternalServiceError);
      return error;
    }
    assert.fail('expected the payload to be rejected');
  }

  it('names the field that does not fit', () => {
    const { recording_id: _omitted, ...withoutId } = sampleMeeting();
    assert.match(parseError(withoutId).detail!, /recording_id/);
    assert.match(parseError({ ...sampleMeeting(), url: 42 }).detail!, /meeting\.url must be a string/);
    assert.match(parseError({ ...sampleMeeting(), transcript: [{ speaker: {}, text: 'x', timestamp: '00:00:01' }] }).detail!, /transcript\[0\]\.speaker\.display_name/);
    assert.match(parseError('not json').detail!, /meeting must be an object/);
    assert.equal(parseError(null).kind, 'invalid');
  });

  it('accepts absent optional parts: no transcript, no share url, null invitee fields, a plain-string speaker', () => {
    const meeting = parseFathomWebhookMeeting({
      ...sampleMeeting({ transcript_language: 'it-IT' }),
      share_url: null,
      transcript: [{ speaker: 'Speaker 2', text: 'Ciao a tutti.', timestamp: '00:00:02' }],
      calendar_invitees: [{ name: null, email: 'buyer@Client.com', email_domain: null, is_external: true }],
    });
    assert.equal(meeting.shareUrl, undefined);
    assert.equal(meeting.language, 'it');
    assert.deepEqual(meeting.attendees, [{ name: null, email: 'buyer@Client.com', domain: 'client.com', external: true }]);
    assert.deepEqual(meeting.transcript, [{ speaker: 'Speaker 2', speakerEmail: null, text: 'Ciao a tutti.', timestamp: '00:00:02' }]);

    const { transcript: _none, ...withoutTranscript } = sampleMeeting();
    assert.deepEqual(parseFathomWebhookMeeting(withoutTranscript).transcript, []);
  });
});

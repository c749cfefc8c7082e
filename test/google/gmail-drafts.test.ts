import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createGmailDrafts } from '../../clients/google/gmail-drafts';
import type { EmailDraftRequest } from '../../clients/google-workspace';
import { parseRfc822 } from '../../emulators/rfc822-message';
import { expectServiceError, rep, startGoogleTestBed, type GoogleTestBed } from './google-test-harness';

const draftsPath = /^\/gmail\/v1\/users\/me\/drafts$/;

const request: EmailDraftRequest = {
  idempotencyKey: 'wf-meeting-42:draft',
  mayExist: false,
  to: ['john.smith@client.com', 'Alice@Acme.io', 'john.smith@client.com'],
  subject: 'Follow-up: Caffè e prossimi passi ☕',
  html: '<p>Hi John,</p>\n<p>Thanks for <b>today</b> &amp; the demo.</p><p>Next steps:</p><ul><li>Send the <strong>pricing</strong></li><li>Book a call</li></ul><p>Best,<br>Maria</p>',
};

/** What the activity asks on a retry: an earlier attempt may have saved the draft. */
const retry: EmailDraftRequest = { ...request, mayExist: true };

function expectedMessageId(key: string, domain: string): string {
  return `followup-${createHash('sha256').update(key).digest('hex').slice(0, 32)}@${domain}`;
}

describe('Gmail drafts against the Google emulator', () => {
  let bed: GoogleTestBed;

  beforeEach(async () => {
    bed = await startGoogleTestBed();
  });

  afterEach(async () => {
    await bed.emulator.stop();
  });

  it('creates a multipart/alternative draft with the right headers, parts and recipients', async () => {
    const drafts = createGmailDrafts({ app: bed.app, tokens: bed.tokens });
    const result = await drafts.createDraft(request);

    const stored = bed.emulator.drafts(rep.email);
    assert.equal(stored.length, 1);
    const [draft] = stored;
    assert.equal(result.draftId, draft!.id);
    assert.equal(result.messageId, draft!.message.id);
    assert.equal(result.url, `https://mail.google.com/mail/u/0/#drafts?compose=${draft!.message.id}`);

    const raw = Buffer.from(draft!.raw, 'base64url').toString('utf8');
    assert.doesNotMatch(raw, /[^\r]\n/, 'every line ends in CRLF');
    assert.match(raw, /^Subject: =\?UTF-8\?B\?/m, 'non-ASCII subject is RFC 2047-encoded');
    assert.match(raw, /^MIME-Version: 1\.0\r$/m);

    const email = parseRfc822(Buffer.from(draft!.raw, 'base64url'));
    assert.deepEqual(email.to, ['john.smith@client.com', 'alice@acme.io']);
    assert.equal(email.subject, request.subject);
    assert.equal(email.messageId, `<${expectedMessageId(request.idempotencyKey, 'acme-sales.com')}>`);
    assert.equal(email.root.mimeType, 'multipart/alternative');
    assert.deepEqual(
      email.root.parts.map((part) => part.mimeType),
      ['text/plain', 'text/html'],
    );
    assert.equal(email.htmlBody, request.html);
    assert.equal(email.textBody, 'Hi John,\r\n\r\nThanks for today & the demo.\r\n\r\nNext steps:\r\n\r\n• Send the pricing\r\n• Book a call\r\n\r\nBest,\r\nMaria');
  });

  it('returns the existing draft for a repeated key, so a retry never makes a second one', async () => {
    const drafts = createGmailDrafts({ app: bed.app, tokens: bed.tokens });
    const first = await drafts.createDraft(request);
    const second = await drafts.createDraft({ ...retry, subject: 'edited after a crash' });

    assert.deepEqual(second, first);
    assert.equal(bed.emulator.drafts(rep.email).length, 1);
    assert.equal(bed.emulator.requestsTo('POST', draftsPath).length, 1);
  });

  it('finds a draft created a moment ago, before Gmail’s search index shows it, when the create answer was lost', async () => {
    bed.emulator.gmailSearchLagMs = 2_000;
    const drafts = createGmailDrafts({ app: bed.app, tokens: bed.tokens });
    // Gmail saves the draft but the answer never arrives (a timeout or dropped connection).
    bed.emulator.injectFault({ method: 'POST', path: draftsPath, times: 1, fault: { status: 0, loseAnswer: true } });
    await expectServiceError(drafts.createDraft(request), { service: 'gmail', kind: 'retryable' });
    assert.equal(bed.emulator.drafts(rep.email).length, 1);

    const retried = await drafts.createDraft(retry);

    assert.equal(bed.emulator.drafts(rep.email).length, 1, 'still one draft');
    assert.equal(retried.draftId, bed.emulator.drafts(rep.email)[0]!.id);
    const search = bed.emulator.requestsTo('GET', draftsPath).at(-2)!;
    assert.equal(search.query.get('q'), `rfc822msgid:${expectedMessageId(request.idempotencyKey, 'acme-sales.com')}`, 'the search ran first and missed it');
  });

  it('creates exactly one draft when the retry follows a failed create', async () => {
    const drafts = createGmailDrafts({ app: bed.app, tokens: bed.tokens });
    bed.emulator.injectFault({ method: 'POST', path: draftsPath, times: 1, fault: { status: 503 } });
    await expectServiceError(drafts.createDraft(request), { service: 'gmail', kind: 'retryable', status: 503 });
    const retried = await drafts.createDraft(retry);
    assert.equal(bed.emulator.drafts(rep.email).length, 1);
    assert.equal(retried.draftId, bed.emulator.drafts(rep.email)[0]!.id);
  });

  it('does not look for an earlier draft on a first attempt', async () => {
    const drafts = createGmailDrafts({ app: bed.app, tokens: bed.tokens });
    await drafts.createDraft(request);
    assert.equal(bed.emulator.requestsTo('GET', draftsPath).length, 0, 'no search, no list');
    assert.equal(bed.emulator.drafts(rep.email).length, 1);
  });

  it('uses a configured Message-ID domain', async () => {
    const drafts = createGmailDrafts({ app: bed.app, tokens: bed.tokens, messageIdDomain: 'followup.example.com' });
    await drafts.createDraft(request);
    assert.equal(bed.emulator.drafts(rep.email)[0]!.messageId, expectedMessageId(request.idempotencyKey, 'followup.example.com'));
  });

  it('refuses an empty recipient list with a message the rep can act on, before calling Google', async () => {
    const drafts = createGmailDrafts({ app: bed.app, tokens: bed.tokens });
    await expectServiceError(drafts.createDraft({ ...request, to: [' '] }), {
      service: 'gmail',
      kind: 'invalid',
      userMessage: /^No external attendees to email/,
    });
    await expectServiceError(drafts.createDraft({ ...request, to: ['john@client.com\r\nBcc: spy@evil.com'] }), { service: 'gmail', kind: 'invalid' });
    assert.equal(bed.emulator.requests.length, 0);
  });

  it('reports 429 as retryable with Retry-After, without retrying inside the client', async () => {
    const drafts = createGmailDrafts({ app: bed.app, tokens: bed.tokens });
    bed.emulator.injectFault({
      method: 'GET',
      path: draftsPath,
      times: 1,
      fault: { status: 429, headers: { 'retry-after': '7' }, body: { error: { code: 429, message: 'Too many requests', errors: [{ reason: 'rateLimitExceeded' }] } } },
    });
    await expectServiceError(drafts.createDraft(retry), { service: 'gmail', kind: 'retryable', status: 429, retryAfterMs: 7000 });
    assert.equal(bed.emulator.requests.length, 1);
  });

  it('reports 500 as retryable and 403 userRateLimitExceeded as retryable, each after a single request', async () => {
    const drafts = createGmailDrafts({ app: bed.app, tokens: bed.tokens });
    bed.emulator.injectFault({ path: draftsPath, times: 1, fault: { status: 500, body: { error: { code: 500, message: 'Backend Error' } } } });
    await expectServiceError(drafts.createDraft(request), { service: 'gmail', kind: 'retryable', status: 500 });
    bed.emulator.injectFault({
      path: draftsPath,
      times: 1,
      fault: { status: 403, body: { error: { code: 403, message: 'User-rate limit exceeded', errors: [{ reason: 'userRateLimitExceeded' }] } } },
    });
    await expectServiceError(drafts.createDraft(request), { service: 'gmail', kind: 'retryable', status: 403 });
    assert.equal(bed.emulator.requests.length, 2);
  });

  it('reports a 400 as invalid', async () => {
    const drafts = createGmailDrafts({ app: bed.app, tokens: bed.tokens });
    bed.emulator.injectFault({
      method: 'POST',
      path: draftsPath,
      times: 1,
      fault: { status: 400, body: { error: { code: 400, message: 'Invalid raw', errors: [{ reason: 'invalidArgument' }] } } },
    });
    await expectServiceError(drafts.createDraft(request), { service: 'gmail', kind: 'invalid', status: 400 });
  });
});

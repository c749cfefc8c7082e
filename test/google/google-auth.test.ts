import assert from 'node:assert/strict';
import { createGmailDrafts } from '../../clients/google/gmail-drafts';
import type { EmailDraftRequest } from '../../clients/google-workspace';
import { expectServiceError, MemoryTokenSource, rep, startGoogleTestBed, type GoogleTestBed } from './google-test-harness';

const tokenPath = /^\/token$/;
const draftsPath = /^\/gmail\/v1\/users\/me\/drafts$/;
const reconnectMessage = /^Google access expired\. Reconnect Google in App Home and retry\.$/;

const request: EmailDraftRequest = { idempotencyKey: 'wf-7:draft', mayExist: false, to: ['john@client.com'], subject: 'Thanks', html: '<p>Thanks!</p>' };

describe('Google OAuth session against the Google emulator', () => {
  let bed: GoogleTestBed;

  beforeEach(async () => {
    bed = await startGoogleTestBed();
  });

  afterEach(async () => {
    await bed.emulator.stop();
  });

  it('refreshes an expired access token through /token, saves it, then succeeds', async () => {
    bed.tokens.tokens = { ...bed.tokens.tokens, expiresAt: Date.now() - 60_000 };
    await createGmailDrafts({ app: bed.app, tokens: bed.tokens }).createDraft(request);

    const [refresh] = bed.emulator.requestsTo('POST', tokenPath);
    assert.deepEqual(refresh?.body, {
      grant_type: 'refresh_token',
      refresh_token: rep.refreshToken,
      client_id: bed.app.clientId,
      client_secret: bed.app.clientSecret,
    });
    assert.equal(bed.tokens.saved.length, 1);
    const saved = bed.tokens.saved[0]!;
    assert.notEqual(saved.accessToken, rep.accessToken);
    assert.match(saved.accessToken ?? '', /^ya29\./);
    assert.equal(saved.refreshToken, rep.refreshToken);
    assert.equal(saved.email, rep.email);
    assert.ok(saved.expiresAt! > Date.now() + 3_000_000);
    // The API calls carried the new token, and nothing went out with the stale one.
    const apiCalls = bed.emulator.requests.filter((call) => call.path !== '/token');
    assert.ok(apiCalls.length > 0 && apiCalls.every((call) => call.headers.authorization === `Bearer ${saved.accessToken}`));
    assert.equal(bed.emulator.drafts(rep.email).length, 1);
  });

  it('refreshes when no access token or expiry is stored', async () => {
    bed.tokens.tokens = { email: rep.email, refreshToken: rep.refreshToken };
    await createGmailDrafts({ app: bed.app, tokens: bed.tokens }).createDraft(request);
    assert.equal(bed.emulator.requestsTo('POST', tokenPath).length, 1);
    assert.equal(bed.tokens.saved.length, 1);
  });

  it('uses a still-valid access token without refreshing', async () => {
    await createGmailDrafts({ app: bed.app, tokens: bed.tokens }).createDraft(request);
    assert.equal(bed.emulator.requestsTo('POST', tokenPath).length, 0);
    assert.equal(bed.tokens.saved.length, 0);
  });

  it('refreshes once when Google rejects a token our clock thinks is valid, and repeats the call', async () => {
    bed.emulator.expireAccessTokens();
    await createGmailDrafts({ app: bed.app, tokens: bed.tokens }).createDraft(request);
    assert.equal(bed.emulator.requestsTo('POST', tokenPath).length, 1);
    assert.equal(bed.tokens.saved.length, 1);
    assert.equal(bed.emulator.drafts(rep.email).length, 1);
  });

  it('asks the rep to reconnect when the refresh token was revoked', async () => {
    bed.emulator.revokeUser(rep.email);
    await expectServiceError(createGmailDrafts({ app: bed.app, tokens: bed.tokens }).createDraft(request), {
      service: 'google-oauth',
      kind: 'reconnect',
      status: 400,
      userMessage: reconnectMessage,
    });
    assert.equal(bed.emulator.requestsTo('POST', tokenPath).length, 1, 'the refresh is not retried');
    assert.equal(bed.tokens.saved.length, 0);
  });

  it('asks the rep to reconnect when Google still answers 401 after one refresh', async () => {
    const unauthenticated = { status: 401, body: { error: { code: 401, message: 'Invalid Credentials', errors: [{ reason: 'authError' }] } } };
    bed.emulator.injectFault({ method: 'POST', path: draftsPath, times: 2, fault: unauthenticated });
    await expectServiceError(createGmailDrafts({ app: bed.app, tokens: bed.tokens }).createDraft(request), {
      service: 'gmail',
      kind: 'reconnect',
      status: 401,
      userMessage: reconnectMessage,
    });
    assert.equal(bed.emulator.requestsTo('POST', tokenPath).length, 1);
    assert.equal(bed.emulator.requestsTo('POST', draftsPath).length, 2);
  });

  it('reports a failing token endpoint as retryable, without retrying the refresh itself', async () => {
    bed.tokens.tokens = { ...bed.tokens.tokens, expiresAt: Date.now() - 1 };
    bed.emulator.injectFault({ path: tokenPath, times: 1, fault: { status: 503, headers: { 'retry-after': '2' } } });
    await expectServiceError(createGmailDrafts({ app: bed.app, tokens: bed.tokens }).createDraft(request), {
      service: 'google-oauth',
      kind: 'retryable',
      status: 503,
      retryAfterMs: 2000,
    });
    assert.equal(bed.emulator.requests.length, 1);
  });

  it('reports wrong app credentials as invalid, not as the rep’s problem to reconnect', async () => {
    const tokens = new MemoryTokenSource({ email: rep.email, refreshToken: rep.refreshToken });
    await expectServiceError(createGmailDrafts({ app: { ...bed.app, clientSecret: 'wrong' }, tokens }).createDraft(request), {
      service: 'google-oauth',
      kind: 'invalid',
      status: 401,
    });
  });

  it('asks for a reconnect when no refresh token is stored', async () => {
    const tokens = new MemoryTokenSource({ email: rep.email, refreshToken: '' });
    await expectServiceError(createGmailDrafts({ app: bed.app, tokens }).createDraft(request), { service: 'google-oauth', kind: 'reconnect' });
    assert.equal(bed.emulator.requests.length, 0);
  });

  it('lets the token source’s own failures through untouched, and calls no API after a failed save', async () => {
    const notConnected = new Error('Connect Google in the app’s Home tab.');
    const unloadable = { load: () => Promise.reject(notConnected), save: () => Promise.resolve() };
    await assert.rejects(createGmailDrafts({ app: bed.app, tokens: unloadable }).createDraft(request), (error) => error === notConnected);

    const storeDown = new Error('secret store unavailable');
    const unsaveable = { load: () => Promise.resolve({ email: rep.email, refreshToken: rep.refreshToken }), save: () => Promise.reject(storeDown) };
    await assert.rejects(createGmailDrafts({ app: bed.app, tokens: unsaveable }).createDraft(request), (error) => error === storeDown);
    assert.deepEqual(
      bed.emulator.requests.map((call) => call.path),
      ['/token'],
    );
  });

  it('reports an unreachable Google as retryable', async () => {
    bed.emulator.injectFault({ times: 1, fault: { status: 0, destroySocket: true } });
    await expectServiceError(createGmailDrafts({ app: bed.app, tokens: bed.tokens }).createDraft(request), { service: 'gmail', kind: 'retryable' });
    assert.equal(bed.emulator.requests.length, 1);
  });
});

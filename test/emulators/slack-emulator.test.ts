import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode, WebClient, type WebAPIPlatformError, type WebAPIRateLimitedError } from '@slack/web-api';
import { verifySlackSignature } from '../../api/slack/slack-signature';
import { sendBlockSuggestion } from '../../emulators/slack-options-load';
import { SlackEmulator } from '../../emulators/slack-emulator';
import { blockActionsBody, signSlackRequest, slashCommandBody } from '../../emulators/slack-request-signer';

const botToken = 'xoxb-1111-2222-emulated';
/** What a typical bot install grants: no chat:write.public. */
const botScopes = ['commands', 'chat:write', 'im:write', 'users:read', 'users:read.email'];

async function platformError(call: Promise<unknown>): Promise<WebAPIPlatformError> {
  const error = await call.then(
    () => assert.fail('expected the call to fail'),
    (caught: unknown) => caught as WebAPIPlatformError,
  );
  assert.equal(error.code, ErrorCode.PlatformError);
  return error;
}

describe('SlackEmulator with @slack/web-api', () => {
  let slack: SlackEmulator;
  let client: WebClient;

  beforeEach(async () => {
    slack = new SlackEmulator({ clientId: 'cid', clientSecret: 'csecret' });
    await slack.start();
    slack.registerWorkspace({ teamId: 'T0ACME', botToken, botUserId: 'U0BOT', scopes: botScopes });
    slack.addUser({ id: 'U0ALICE', teamId: 'T0ACME', name: 'alice', realName: 'Alice Johnson', tz: 'America/Los_Angeles', email: 'alice@acme.com' });
    for (const id of ['C0SALES', 'C1', 'C0JSON']) slack.addChannel({ id, teamId: 'T0ACME', name: id.toLowerCase(), botIsMember: true, memberIds: ['U0ALICE'] });
    client = new WebClient(botToken, { slackApiUrl: `${slack.url}/api/`, retryConfig: { retries: 0 } });
  });

  afterEach(() => slack.stop());

  it('stores chat.postMessage with parsed blocks and answers in Slack’s shape', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Call with Client Inc* is ready' } }];
    const result = await client.chat.postMessage({ channel: 'C0SALES', text: 'Call ready', blocks });

    assert.equal(result.ok, true);
    assert.equal(result.channel, 'C0SALES');
    assert.match(result.ts!, /^\d{10}\.\d{6}$/);
    assert.deepEqual(result.message?.blocks, blocks);
    assert.equal(result.message?.bot_id, slack.latestMessage('C0SALES')?.bot_id);
    assert.deepEqual(slack.latestMessage('C0SALES')?.blocks, blocks);
    assert.equal(slack.calls('chat.postMessage')[0]!.text, 'Call ready');
    assert.deepEqual(slack.calls('chat.postMessage')[0]!.blocks, blocks);
  });

  it('updates a stored message and reports message_not_found for an unknown ts', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0SALES', text: 'Drafting…' });
    const updated = await client.chat.update({ channel: 'C0SALES', ts: posted.ts!, text: 'Draft created' });

    assert.equal(updated.ts, posted.ts);
    assert.equal(slack.latestMessage('C0SALES')?.text, 'Draft created');
    assert.ok(slack.latestMessage('C0SALES')?.edited);
    const error = await platformError(client.chat.update({ channel: 'C0SALES', ts: '1.000001', text: 'x' }));
    assert.equal(error.data.error, 'message_not_found');
  });

  it('answers invalid_auth for an unknown token and token_revoked after uninstall', async () => {
    const stranger = new WebClient('xoxb-unknown', { slackApiUrl: `${slack.url}/api/`, retryConfig: { retries: 0 } });
    assert.equal((await platformError(stranger.auth.test())).data.error, 'invalid_auth');

    slack.revokeWorkspace('T0ACME');
    assert.equal((await platformError(client.chat.postMessage({ channel: 'C1', text: 'hi' }))).data.error, 'token_revoked');
  });

  it('opens DMs and reports user time zones and emails', async () => {
    slack.addUser({ id: 'U0OTHER', teamId: 'T0OTHER', name: 'bob', tz: 'Europe/Paris' });

    const info = await client.users.info({ user: 'U0ALICE' });
    assert.equal(info.user?.profile?.email, 'alice@acme.com');
    assert.equal(info.user?.tz, 'America/Los_Angeles');
    assert.ok([-25200, -28800].includes(info.user!.tz_offset!), `tz_offset ${info.user?.tz_offset}`);
    assert.equal((await platformError(client.users.info({ user: 'U0OTHER' }))).data.error, 'user_not_found');

    const opened = await client.conversations.open({ users: 'U0ALICE' });
    assert.match(opened.channel!.id!, /^D/);
    assert.equal(slack.directMessageChannel('U0ALICE'), opened.channel!.id);
    // Posting to the user id lands in the same DM, as in Slack.
    await client.chat.postMessage({ channel: 'U0ALICE', text: 'Your follow-up is ready' });
    assert.equal(slack.latestMessage(opened.channel!.id!)?.text, 'Your follow-up is ready');
  });

  it('posts ephemeral messages and builds permalinks', async () => {
    const ephemeral = await client.chat.postEphemeral({ channel: 'C0SALES', user: 'U0ALICE', text: 'Only you can see this' });
    assert.match(ephemeral.message_ts!, /^\d+\.\d{6}$/);
    assert.equal(slack.ephemeralMessages('U0ALICE')[0]?.text, 'Only you can see this');

    const posted = await client.chat.postMessage({ channel: 'C0SALES', text: 'hello' });
    const link = await client.chat.getPermalink({ channel: 'C0SALES', message_ts: posted.ts! });
    assert.equal(link.permalink, `https://t0acme.slack.com/archives/C0SALES/p${posted.ts!.replace('.', '')}`);
  });

  it('opens modals once per trigger id and expires unused trigger ids', async () => {
    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Review follow-up' }, blocks: [], private_metadata: '{"meetingId":1}' };
    const triggerId = slack.issueTriggerId();
    const opened = await client.views.open({ trigger_id: triggerId, view });

    assert.match(opened.view!.id!, /^V/);
    assert.equal(opened.view?.private_metadata, '{"meetingId":1}');
    assert.equal(slack.views().length, 1);
    assert.equal((await platformError(client.views.open({ trigger_id: triggerId, view }))).data.error, 'exchanged_trigger_id');
    assert.equal((await platformError(client.views.open({ trigger_id: 'never-issued', view }))).data.error, 'invalid_trigger_id');

    slack.triggerIdLifetimeMs = 20;
    const stale = slack.issueTriggerId();
    await new Promise((resolve) => setTimeout(resolve, 40));
    assert.equal((await platformError(client.views.open({ trigger_id: stale, view }))).data.error, 'expired_trigger_id');

    const updated = await client.views.update({ view_id: opened.view!.id!, hash: opened.view!.hash!, view: { ...view, private_metadata: '' } });
    assert.equal(updated.view?.private_metadata, '');
    const conflict = await platformError(client.views.update({ view_id: opened.view!.id!, hash: opened.view!.hash!, view }));
    assert.equal(conflict.data.error, 'hash_conflict');
  });

  it('publishes home tabs per user', async () => {
    const home = { type: 'home' as const, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Connected: HubSpot' } }] };
    const first = await client.views.publish({ user_id: 'U0ALICE', view: home });
    const second = await client.views.publish({ user_id: 'U0ALICE', view: home });

    assert.equal(second.view?.id, first.view?.id);
    assert.equal(slack.homeViews('U0ALICE').length, 2);
    assert.deepEqual(slack.homeViews('U0BOB'), []);
  });

  it('rejects Block Kit that real Slack rejects', async () => {
    const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
    const tooMany = Array.from({ length: 51 }, () => section('x'));
    const error = await platformError(client.chat.postMessage({ channel: 'C1', text: 'x', blocks: tooMany }));
    assert.equal(error.data.error, 'invalid_blocks');
    assert.deepEqual(error.data.response_metadata?.messages, ['[ERROR] no more than 50 items allowed [json-pointer:/blocks]']);

    const longSummary = await platformError(client.chat.postMessage({ channel: 'C1', text: 'x', blocks: [section('y'.repeat(3001))] }));
    assert.equal(longSummary.data.error, 'invalid_blocks');

    const bigModal = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'Review' }, blocks: Array.from({ length: 101 }, () => section('x')) };
    assert.equal((await platformError(client.views.open({ trigger_id: slack.issueTriggerId(), view: bigModal }))).data.error, 'invalid_arguments');
    const longTitle = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'A title longer than 24 chars' }, blocks: [] };
    assert.equal((await platformError(client.views.open({ trigger_id: slack.issueTriggerId(), view: longTitle }))).data.error, 'invalid_arguments');
  });

  it('rate limits with HTTP 429 and Retry-After', async () => {
    slack.rateLimit('chat.postMessage', { retryAfterSeconds: 7 });
    const rejecting = new WebClient(botToken, { slackApiUrl: `${slack.url}/api/`, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
    const error = (await rejecting.chat.postMessage({ channel: 'C1', text: 'hi' }).catch((caught: unknown) => caught)) as WebAPIRateLimitedError;
    assert.equal(error.code, ErrorCode.RateLimitedError);
    assert.equal(error.retryAfter, 7);

    // The SDK's own retry honours Retry-After and then succeeds.
    slack.rateLimit('chat.postMessage', { retryAfterSeconds: 1 });
    const retrying = new WebClient(botToken, { slackApiUrl: `${slack.url}/api/`, retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 } });
    const result = await retrying.chat.postMessage({ channel: 'C1', text: 'after the pause' });
    assert.equal(result.ok, true);
    assert.equal(slack.calls('chat.postMessage').length, 3);
  });

  it('refuses chat.postMessage past a short burst on one channel as Slack does, while other channels still post', async () => {
    const rejecting = new WebClient(botToken, { slackApiUrl: `${slack.url}/api/`, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
    for (let message = 0; message < 3; message += 1) await rejecting.chat.postMessage({ channel: 'C1', text: `burst ${message}` });
    const error = (await rejecting.chat.postMessage({ channel: 'C1', text: 'one too many' }).catch((caught: unknown) => caught)) as WebAPIRateLimitedError;
    assert.equal(error.code, ErrorCode.RateLimitedError);
    assert.ok(error.retryAfter >= 1 && error.retryAfter <= 3, `Retry-After ${error.retryAfter}`);
    assert.equal((await rejecting.chat.postMessage({ channel: 'C0SALES', text: 'another channel' })).ok, true);
    assert.deepEqual(
      slack.messages('C1').map((message) => message.text),
      ['burst 0', 'burst 1', 'burst 2'],
    );
  });

  it('refuses a Tier 3 method past 50 calls a minute in one workspace, and counts each workspace apart', async () => {
    slack.registerWorkspace({ teamId: 'T0OTHER', botToken: 'xoxb-other', botUserId: 'U0BOT2', scopes: botScopes });
    const rejecting = (token: string) => new WebClient(token, { slackApiUrl: `${slack.url}/api/`, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
    const acme = rejecting(botToken);
    for (let call = 0; call < 50; call += 1) await acme.conversations.open({ users: 'U0ALICE' });
    const error = (await acme.conversations.open({ users: 'U0ALICE' }).catch((caught: unknown) => caught)) as WebAPIRateLimitedError;
    assert.equal(error.code, ErrorCode.RateLimitedError);
    assert.ok(error.retryAfter > 0 && error.retryAfter <= 60, `Retry-After ${error.retryAfter}`);
    assert.equal((await acme.users.info({ user: 'U0ALICE' })).ok, true, 'another method has its own count');
    slack.addUser({ id: 'U0BOB', teamId: 'T0OTHER', name: 'bob', tz: 'UTC' });
    assert.equal((await rejecting('xoxb-other').conversations.open({ users: 'U0BOB' })).ok, true, 'another workspace has its own count');
  });

  it('installs through oauth.v2.access and the issued bot token works', async () => {
    const anonymous = new WebClient(undefined, { slackApiUrl: `${slack.url}/api/`, retryConfig: { retries: 0 } });
    const code = slack.issueOAuthCode({ teamId: 'T0NEW', teamName: 'New Co', installerUserId: 'U0INSTALLER', scope: 'chat:write' });
    const install = await anonymous.oauth.v2.access({ client_id: 'cid', client_secret: 'csecret', code });

    assert.equal(install.token_type, 'bot');
    assert.deepEqual(install.team, { id: 'T0NEW', name: 'New Co' });
    assert.equal(install.enterprise, null);
    assert.equal(install.is_enterprise_install, false);
    assert.equal(install.authed_user?.id, 'U0INSTALLER');
    const installed = new WebClient(install.access_token, { slackApiUrl: `${slack.url}/api/`, retryConfig: { retries: 0 } });
    assert.equal((await installed.auth.test()).team_id, 'T0NEW');

    assert.equal((await platformError(anonymous.oauth.v2.access({ client_id: 'cid', client_secret: 'csecret', code }))).data.error, 'invalid_code');
    const other = slack.issueOAuthCode({ teamId: 'T0X', teamName: 'X', installerUserId: 'U1', scope: 'chat:write' });
    assert.equal((await platformError(anonymous.oauth.v2.access({ client_id: 'cid', client_secret: 'wrong', code: other }))).data.error, 'bad_client_secret');
  });

  it('reports the enterprise of a Grid install and accepts HTTP Basic client credentials', async () => {
    const code = slack.issueOAuthCode({ teamId: 'T0GRID', teamName: 'Grid Team', enterpriseId: 'E0BIG', enterpriseName: 'Big Corp', installerUserId: 'U0ADMIN', scope: 'chat:write' });
    const response = await fetch(`${slack.url}/api/oauth.v2.access`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('cid:csecret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ code }).toString(),
    });
    const install = (await response.json()) as { enterprise: unknown; team: unknown };
    assert.deepEqual(install.enterprise, { id: 'E0BIG', name: 'Big Corp' });
    assert.deepEqual(install.team, { id: 'T0GRID', name: 'Grid Team' });
  });

  it('accepts JSON bodies', async () => {
    const response = await fetch(`${slack.url}/api/chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${botToken}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: 'C0JSON', text: 'json works', blocks: [{ type: 'divider' }] }),
    });
    assert.equal(((await response.json()) as { ok: boolean }).ok, true);
    assert.deepEqual(slack.latestMessage('C0JSON')?.blocks, [{ type: 'divider' }]);
  });

  it('receives response_url posts and answers a plain ok', async () => {
    const response = await fetch(slack.responseUrlFor('cmd-1'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', text: 'Working on it…' }),
    });
    assert.equal(await response.text(), 'ok');
    assert.deepEqual(slack.responseUrlPosts('cmd-1').map((post) => post.body), [{ response_type: 'ephemeral', text: 'Working on it…' }]);
  });
});

describe('SlackEmulator refuses what Slack refuses (slack_web_openapi_v2.json and the method docs)', () => {
  let slack: SlackEmulator;
  const clientWith = (token: string) => new WebClient(token, { slackApiUrl: `${slack.url}/api/`, retryConfig: { retries: 0 } });
  const install = (teamId: string, scopes: string[]) => {
    const token = `xoxb-${teamId}-${scopes.length}`;
    slack.registerWorkspace({ teamId, botToken: token, botUserId: `U0BOT${teamId}`, scopes });
    return clientWith(token);
  };

  beforeEach(async () => {
    slack = new SlackEmulator({ clientId: 'cid', clientSecret: 'csecret' });
    await slack.start();
    slack.addUser({ id: 'U0ALICE', teamId: 'T0ACME', name: 'alice', realName: 'Alice Johnson', displayName: 'Ali', tz: 'Europe/Rome', locale: 'it-IT', email: 'alice@acme.com' });
    slack.addChannel({ id: 'C0INVITED', teamId: 'T0ACME', name: 'sales', botIsMember: true, memberIds: ['U0ALICE'] });
    slack.addChannel({ id: 'C0PUBLIC', teamId: 'T0ACME', name: 'general', memberIds: ['U0ALICE'] });
    slack.addChannel({ id: 'G0SECRET', teamId: 'T0ACME', name: 'deals', isPrivate: true, memberIds: ['U0ALICE'] });
    slack.addChannel({ id: 'C0OLD', teamId: 'T0ACME', name: 'old-sales', isArchived: true, botIsMember: true });
  });
  afterEach(() => slack.stop());

  it('answers unknown_method for a method Slack does not have', async () => {
    const client = install('T0ACME', botScopes);
    assert.equal((await platformError(client.apiCall('chat.postMesage', { channel: 'C0INVITED', text: 'typo' }))).data.error, 'unknown_method');
  });

  it('answers missing_scope with the needed and provided scopes of the install', async () => {
    const client = install('T0ACME', ['commands', 'chat:write']);
    const error = await platformError(client.conversations.open({ users: 'U0ALICE' }));
    const data = error.data as typeof error.data & { needed?: string; provided?: string };
    assert.equal(data.error, 'missing_scope');
    assert.match(data.needed ?? '', /(^|,)im:write(,|$)/);
    assert.equal(data.provided, 'commands,chat:write');
    assert.equal((await platformError(client.users.info({ user: 'U0ALICE' }))).data.error, 'missing_scope');
  });

  it('answers the documented error for a missing required argument', async () => {
    const client = install('T0ACME', botScopes);
    assert.equal((await platformError(client.apiCall('chat.postMessage', { text: 'where?' }))).data.error, 'channel_not_found');
    assert.equal((await platformError(client.apiCall('chat.postMessage', { channel: 'C0INVITED' }))).data.error, 'no_text');
    assert.equal((await platformError(client.apiCall('chat.update', { channel: 'C0INVITED', text: 'x' }))).data.error, 'message_not_found');
    assert.equal((await platformError(client.apiCall('users.info', {}))).data.error, 'user_not_found');
    const noUser = await platformError(client.apiCall('views.publish', { view: { type: 'home', blocks: [] } }));
    assert.equal(noUser.data.error, 'invalid_arguments');
    assert.deepEqual(noUser.data.response_metadata?.messages, ['[ERROR] missing required field: user_id']);
  });

  it('posts only where the bot may: invited channels, public ones with chat:write.public, and DMs', async () => {
    const client = install('T0ACME', botScopes);
    assert.equal((await client.chat.postMessage({ channel: 'C0INVITED', text: 'card' })).ok, true);
    assert.equal((await platformError(client.chat.postMessage({ channel: 'C0PUBLIC', text: 'card' }))).data.error, 'not_in_channel');
    assert.equal((await platformError(client.chat.postMessage({ channel: 'G0SECRET', text: 'card' }))).data.error, 'channel_not_found');
    assert.equal((await platformError(client.chat.postMessage({ channel: 'C0OLD', text: 'card' }))).data.error, 'is_archived');
    assert.equal((await platformError(client.chat.postMessage({ channel: 'C0NEVERCREATED', text: 'card' }))).data.error, 'channel_not_found');
    assert.deepEqual(slack.messages().map((message) => message.channel), ['C0INVITED']);

    const publicPoster = install('T0ACME', [...botScopes, 'chat:write.public']);
    assert.equal((await publicPoster.chat.postMessage({ channel: 'C0PUBLIC', text: 'card' })).ok, true);
    assert.equal((await platformError(publicPoster.chat.postMessage({ channel: 'G0SECRET', text: 'card' }))).data.error, 'channel_not_found');

    const byUserId = await client.chat.postMessage({ channel: 'U0ALICE', text: 'in your DM' });
    assert.match(byUserId.channel!, /^D/);
    assert.equal((await client.chat.postMessage({ channel: byUserId.channel!, text: 'again' })).channel, byUserId.channel);
    assert.equal((await platformError(client.chat.postMessage({ channel: 'D0SOMEONEELSE', text: 'x' }))).data.error, 'channel_not_found');
    assert.equal((await platformError(client.chat.postMessage({ channel: 'U0STRANGER', text: 'x' }))).data.error, 'channel_not_found');
    const elsewhere = install('T0OTHER', botScopes);
    assert.equal((await platformError(elsewhere.chat.postMessage({ channel: byUserId.channel!, text: 'x' }))).data.error, 'channel_not_found', 'another workspace’s bot cannot see the DM');
  });

  it('sends an ephemeral message only to a member of the channel', async () => {
    const client = install('T0ACME', botScopes);
    assert.equal((await client.chat.postEphemeral({ channel: 'C0INVITED', user: 'U0ALICE', text: 'only you' })).ok, true);
    assert.equal((await platformError(client.chat.postEphemeral({ channel: 'C0INVITED', user: 'U0BOB', text: 'x' }))).data.error, 'user_not_in_channel');
  });

  it('reports users as Slack does: names, time zone, locale only on request, email only with users:read.email', async () => {
    const client = install('T0ACME', botScopes);
    const { user } = await client.users.info({ user: 'U0ALICE' });
    assert.equal(user?.real_name, 'Alice Johnson');
    assert.equal(user?.profile?.real_name, 'Alice Johnson');
    assert.equal(user?.profile?.display_name, 'Ali');
    assert.equal(user?.tz, 'Europe/Rome');
    assert.ok([3600, 7200].includes(user!.tz_offset!), `tz_offset ${user?.tz_offset}`);
    assert.equal(user?.locale, undefined);
    assert.equal((await client.users.info({ user: 'U0ALICE', include_locale: true })).user?.locale, 'it-IT');
    assert.equal(user?.profile?.email, 'alice@acme.com');

    const withoutEmailScope = install('T0ACME', ['users:read']);
    assert.equal((await withoutEmailScope.users.info({ user: 'U0ALICE' })).user?.profile?.email, undefined);
  });

  it('grants the installed token exactly the scopes of the authorize URL the user approved', async () => {
    const authorizeUrl = 'https://slack.com/oauth/v2/authorize?client_id=cid&scope=commands,chat:write&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state=s';
    const code = slack.approveInstall(authorizeUrl, { teamId: 'T0ACME', teamName: 'Acme', installerUserId: 'U0ALICE' });
    const anonymous = new WebClient(undefined, { slackApiUrl: `${slack.url}/api/`, retryConfig: { retries: 0 } });
    const installed = await anonymous.oauth.v2.access({ client_id: 'cid', client_secret: 'csecret', code, redirect_uri: 'https://app.example/cb' });
    assert.equal(installed.scope, 'commands,chat:write');
    const client = clientWith(installed.access_token!);
    assert.equal((await client.chat.postMessage({ channel: 'C0INVITED', text: 'hi' })).ok, true);
    assert.equal((await platformError(client.conversations.open({ users: 'U0ALICE' }))).data.error, 'missing_scope');
    assert.throws(() => slack.approveInstall(authorizeUrl.replace('client_id=cid', 'client_id=other'), { teamId: 'T0X', teamName: 'X', installerUserId: 'U1' }));
  });
});

describe('block_suggestion (options load) requests', () => {
  const signingSecret = 'options-signing-secret';
  let server: Server;
  let optionsUrl: string;
  let answer: (payload: Record<string, unknown>) => unknown;
  const received: Record<string, unknown>[] = [];

  before(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const rawBody = Buffer.concat(chunks);
        const check = verifySlackSignature({
          signingSecret,
          timestampHeader: request.headers['x-slack-request-timestamp'] as string | undefined,
          signatureHeader: request.headers['x-slack-signature'] as string | undefined,
          rawBody,
          nowSeconds: Math.floor(Date.now() / 1000),
        });
        if (!check.ok) {
          response.writeHead(401).end();
          return;
        }
        const payload = JSON.parse(new URLSearchParams(rawBody.toString('utf8')).get('payload')!) as Record<string, unknown>;
        received.push(payload);
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer(payload)));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    optionsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/options`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const suggestion = { teamId: 'T0ACME', userId: 'U0ALICE', actionId: 'crm_account', blockId: 'account', value: 'cli', view: { id: 'V0PICK', privateMetadata: '{"recordingId":"1"}' } };
  const option = (text: string, value = text) => ({ text: { type: 'plain_text', text }, value });

  it('posts a signed block_suggestion payload and reads the options the app answers', async () => {
    answer = (payload) => ({ options: [option(`${String(payload.value)}ent Inc`, 'acct-1')] });
    const shown = await sendBlockSuggestion({ optionsUrl, signingSecret, suggestion });
    assert.deepEqual(shown, { shown: true, options: [{ text: 'client Inc', value: 'acct-1' }] });
    const payload = received.at(-1)!;
    assert.equal(payload.type, 'block_suggestion');
    assert.equal(payload.action_id, 'crm_account');
    assert.deepEqual(payload.container, { type: 'view', view_id: 'V0PICK' });

    const wrongSecret = await sendBlockSuggestion({ optionsUrl, signingSecret: 'not-the-app-secret', suggestion });
    assert.deepEqual(wrongSecret, { shown: false, problem: 'HTTP 401' });
  });

  it('shows nothing when the answer breaks Slack’s option limits', async () => {
    answer = () => ({ options: [option('x'.repeat(76))] });
    const shown = await sendBlockSuggestion({ optionsUrl, signingSecret, suggestion });
    assert.equal(shown.shown, false);
    answer = () => ({ options: Array.from({ length: 101 }, (_, index) => option(`Account ${index}`)) });
    assert.equal((await sendBlockSuggestion({ optionsUrl, signingSecret, suggestion })).shown, false);
  });
});

describe('Slack request signing', () => {
  it('reproduces the documented v0 test vector', () => {
    const signed = signSlackRequest({
      signingSecret: '8f742231b10e8888abcd99yyyzzz85a5',
      timestamp: 1531420618,
      body: 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fweather&text=94070',
    });
    assert.equal(signed.headers['x-slack-signature'], 'v0=a45771c0f181b7fb1752e9a26cc1ffb2c428f52ac8ab774ffa4adf8cf2874576');
    assert.equal(signed.headers['x-slack-request-timestamp'], '1531420618');
    assert.equal(signed.headers['content-type'], 'application/x-www-form-urlencoded');
  });

  it('builds interactivity and slash-command bodies the way Slack encodes them', () => {
    const payload = { type: 'block_actions', actions: [{ action_id: 'approve_draft', value: '{"meetingId":1}' }] };
    const body = blockActionsBody(payload);
    assert.deepEqual(JSON.parse(new URLSearchParams(body).get('payload')!), payload);
    assert.equal(slashCommandBody({ command: '/followup', text: 'last call' }), 'command=%2Ffollowup&text=last+call');
    assert.equal(signSlackRequest({ signingSecret: 's', body: '{"type":"url_verification"}' }).headers['content-type'], 'application/json');
  });
});

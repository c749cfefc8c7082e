import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { inTenant } from '../../db/tenant-scope';
import { AuditLog, CrmConnection, Tenant, User } from '../../entities';
import { blockActionsBody } from '../../emulators/slack-request-signer';
import { secretNames } from '../../secrets/secret-store';
import { connectActions, connectModals, disconnectActions } from '../../slack/action-ids';
import { startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';
import { homeOpened, postSlackEvent } from '../support/slack-events';
import { waitFor } from '../support/wait-for';

describe('Connecting Fathom, Google and CRMs from App Home', function () {
  this.timeout(60_000);
  let harness: ProductHarness;

  before(async () => {
    harness = await startProductHarness({ startWorker: false });
  });
  after(async () => harness?.close());

  const slack = () => harness.emulators.slack;
  const newSlackUser = () => `U${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;

  /** Opens the Home tab as Slack does and returns the buttons it shows. */
  async function homeButtons(seeded: SeededTenant, userId: string): Promise<{ text: string; action_id: string; url?: string; style?: string }[]> {
    const before = slack().homeViews(userId).length;
    assert.equal((await postSlackEvent(harness, seeded.teamId, homeOpened(userId))).status, 200);
    const views = await waitFor('the Home tab', () => (slack().homeViews(userId).length > before ? slack().homeViews(userId) : null));
    const blocks = views.at(-1)!.blocks as { type: string; elements?: { text: { text: string }; action_id: string; url?: string; style?: string }[] }[];
    return blocks.flatMap((block) => (block.type === 'actions' ? block.elements ?? [] : [])).map((element) => ({ ...element, text: element.text.text }));
  }

  function interact(seeded: SeededTenant, userId: string, payload: Record<string, unknown>): Promise<Response> {
    return harness.postSigned(
      '/slack/interactions',
      blockActionsBody({ team: { id: seeded.teamId }, enterprise: null, is_enterprise_install: false, user: { id: userId, team_id: seeded.teamId }, ...payload }),
    );
  }

  function submitModal(seeded: SeededTenant, userId: string, callbackId: string, values: Record<string, string>): Promise<Response> {
    const state = Object.fromEntries(Object.entries(values).map(([block, value]) => [block, { [fieldAction(block)]: { value } }]));
    return interact(seeded, userId, { type: 'view_submission', view: { id: 'V0CONNECT', callback_id: callbackId, state: { values: state } } });
  }

  function fieldAction(block: string): string {
    const fields = [connectModals.fathom.apiKey, connectModals.crono.apiKey, connectModals.crono.apiSecret];
    return fields.find((field) => field.block === block)!.action;
  }

  const setRole = (seeded: SeededTenant, slackUserId: string, role: 'admin' | 'member') =>
    inTenant(harness.orm, seeded.tenant.id, async (em) => {
      const user = (await em.findOne(User, { slackUserId })) ?? Object.assign(new User(), { tenantId: seeded.tenant.id, slackUserId });
      user.role = role;
      em.persist(user);
    });
  const userOf = (seeded: SeededTenant, slackUserId: string) => inTenant(harness.orm, seeded.tenant.id, (em) => em.findOne(User, { slackUserId }));
  const connectionsOf = (seeded: SeededTenant) => inTenant(harness.orm, seeded.tenant.id, (em) => em.find(CrmConnection, {}, { orderBy: { createdAt: 'asc' } }));
  const connectedAudit = (seeded: SeededTenant, target: string) =>
    inTenant(harness.orm, seeded.tenant.id, (em) => em.find(AuditLog, { action: 'connection.connected', target }));

  /**
   * Opens a connect link in a browser signed in to Slack as `signedInAs`: the link sends it to Sign in
   * with Slack, Slack back to the app, the app on to the provider's consent screen (`location`), with
   * the cookie the provider's callback then needs. Stops at the first answer that is not a redirect.
   */
  async function startFlow(url: string, signedInAs: { teamId: string; userId: string }): Promise<{ response: Response; location?: URL; cookie?: string }> {
    const opened = await fetch(url, { redirect: 'manual' });
    if (opened.status !== 302) return { response: opened };
    const slackSignIn = new URL(opened.headers.get('location')!);
    assert.equal(`${slackSignIn.origin}${slackSignIn.pathname}`, 'https://slack.com/openid/connect/authorize');
    assert.equal(slackSignIn.searchParams.get('scope'), 'openid');
    const redirectUri = slackSignIn.searchParams.get('redirect_uri')!;
    const code = slack().issueOpenIdCode({ ...signedInAs, redirectUri });
    const signedIn = await callback(new URL(redirectUri).pathname, { code, state: slackSignIn.searchParams.get('state')! }, cookieOf(opened, 'connect_state'));
    if (signedIn.status !== 302) return { response: signedIn };
    return { response: signedIn, location: new URL(signedIn.headers.get('location')!), cookie: cookieOf(signedIn, 'connect_identity') };
  }

  function cookieOf(response: Response, name: string): string | undefined {
    return response.headers.getSetCookie().map((header) => header.split(';')[0]!).find((cookie) => cookie.startsWith(`${name}=`) && cookie.length > name.length + 1);
  }

  function callback(path: string, query: Record<string, string>, cookie?: string): Promise<Response> {
    return fetch(`${harness.apiUrl}${path}?${new URLSearchParams(query).toString()}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
  }

  describe('Disconnecting', () => {
    const removedAudit = (seeded: SeededTenant, target: string) =>
      inTenant(harness.orm, seeded.tenant.id, (em) => em.find(AuditLog, { action: 'connection.removed', target }));
    const click = (seeded: SeededTenant, userId: string, actionId: string, value: string) =>
      interact(seeded, userId, { type: 'block_actions', trigger_id: slack().issueTriggerId(), actions: [{ action_id: actionId, value }] });

    it('lets a rep disconnect Fathom and Google: the credentials are deleted and the Home tab offers Connect again', async () => {
      const seeded = await harness.seedTenant();
      const rep = seeded.rep.slackUserId;
      const buttons = await homeButtons(seeded, rep);
      assert.ok(buttons.some((button) => button.action_id === disconnectActions.fathom && button.text === 'Disconnect Fathom'));
      assert.ok(!buttons.some((button) => button.action_id === disconnectActions.crm), 'only admins can disconnect the CRM');
      const before = (await userOf(seeded, rep))!;

      assert.equal((await click(seeded, rep, disconnectActions.fathom, 'fathom')).status, 200);
      assert.equal((await click(seeded, rep, disconnectActions.google, 'google')).status, 200);
      const after = (await userOf(seeded, rep))!;
      assert.equal(after.fathomSecretRef, null);
      assert.equal(after.googleSecretRef, null);
      assert.equal(await harness.secrets.get(before.fathomSecretRef!), null);
      assert.equal(await harness.secrets.get(before.googleSecretRef!), null);
      assert.equal(await harness.secrets.get(secretNames.fathomWebhookSecret(seeded.tenant.id, before.id)), null, 'webhook deliveries are no longer accepted');
      assert.equal((await removedAudit(seeded, 'fathom'))[0]?.actor, rep);
      assert.equal((await removedAudit(seeded, 'google')).length, 1);
      const home = await homeButtons(seeded, rep);
      assert.ok(home.some((button) => button.text === 'Connect Fathom') && home.some((button) => button.text === 'Connect Google'));
    });

    it('lets only an admin disconnect a CRM; the remaining one becomes the default', async () => {
      const seeded = await harness.seedTenant();
      const admin = newSlackUser();
      await setRole(seeded, admin, 'admin');
      const crono = harness.emulators.crono;
      await submitModal(seeded, admin, connectModals.crono.callback, { [connectModals.crono.apiKey.block]: crono.apiKey, [connectModals.crono.apiSecret.block]: crono.apiSecret });
      const cronoConnection = (await connectionsOf(seeded)).find((connection) => connection.provider === 'crono')!;

      await click(seeded, seeded.rep.slackUserId, disconnectActions.crm, 'crono');
      assert.equal((await connectionsOf(seeded)).length, 2, 'a rep cannot disconnect the CRM');

      await click(seeded, admin, disconnectActions.crm, 'crono');
      assert.deepEqual((await connectionsOf(seeded)).map(({ provider, isDefault }) => ({ provider, isDefault })), [{ provider: 'hubspot', isDefault: true }]);
      assert.equal(await harness.secrets.get(cronoConnection.secretRef), null);
      assert.equal((await removedAudit(seeded, 'crm:crono'))[0]?.actor, admin);
    });
  });

  describe('Fathom API key (per rep)', () => {
    it('opens the key modal, keeps it open with an error for a rejected key, then stores a working key and registers the webhook', async () => {
      const seeded = await harness.seedTenant();
      const rep = newSlackUser();
      const buttons = await homeButtons(seeded, rep);
      assert.equal(buttons.find((button) => button.action_id === connectActions.fathom)?.text, 'Connect Fathom');

      const opened = slack().views().length;
      assert.equal((await interact(seeded, rep, { type: 'block_actions', trigger_id: slack().issueTriggerId(), actions: [{ action_id: connectActions.fathom, value: connectActions.fathom }] })).status, 200);
      const modal = await waitFor('the Fathom modal', () => slack().views().slice(opened).find((view) => view.callback_id === connectModals.fathom.callback));
      assert.match(JSON.stringify(modal.blocks), new RegExp(connectModals.fathom.apiKey.block));

      const rejected = await submitModal(seeded, rep, connectModals.fathom.callback, { [connectModals.fathom.apiKey.block]: 'not-a-fathom-key' });
      assert.deepEqual(await rejected.json(), { response_action: 'errors', errors: { [connectModals.fathom.apiKey.block]: 'Fathom did not accept this key. Check it and paste it again.' } });
      assert.equal((await userOf(seeded, rep))?.fathomSecretRef ?? null, null, 'nothing is stored for a rejected key');

      const apiKey = `fathom-key-${randomUUID()}`;
      harness.emulators.fathom.registerApiKey(apiKey, 'bob@acme.com');
      const accepted = await submitModal(seeded, rep, connectModals.fathom.callback, { [connectModals.fathom.apiKey.block]: ` ${apiKey} ` });
      assert.equal(accepted.status, 200);
      assert.equal(await accepted.text(), '', 'the modal closes');

      const user = (await userOf(seeded, rep))!;
      assert.equal(user.fathomSecretRef, secretNames.userFathom(seeded.tenant.id, user.id));
      assert.deepEqual(JSON.parse((await harness.secrets.get(user.fathomSecretRef))!), { type: 'apiKey', apiKey });
      const webhook = harness.emulators.fathom.webhooks().at(-1)!;
      assert.equal(webhook.url, `${harness.config.api.publicUrl}/webhooks/fathom/${user.id}`);
      assert.equal(webhook.ownerEmail, 'bob@acme.com');
      assert.equal(webhook.include_transcript, true);
      assert.deepEqual(webhook.triggered_for, ['my_recordings']);
      assert.equal(user.fathomWebhookId, webhook.id, 'kept, so an uninstall can delete it at Fathom');
      assert.equal(await harness.secrets.get(secretNames.fathomWebhookSecret(seeded.tenant.id, user.id)), webhook.secret, 'deliveries signed by Fathom will verify');
      const audit = await connectedAudit(seeded, 'fathom');
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.actor, rep);
      assert.doesNotMatch(JSON.stringify(audit[0]!.detail), new RegExp(apiKey), 'the key never reaches the audit log');
      assert.ok(!harness.logs.some((line) => line.includes(apiKey) || line.includes(webhook.secret)), 'nor the logs');

      const republished = await waitFor('the Home tab republished', () =>
        slack().homeViews(rep).find((view) => /\*Fathom\*: ✅ connected/.test(JSON.stringify(view.blocks))),
      );
      assert.match(JSON.stringify(republished.blocks), /Reconnect Fathom/);
    });
  });

  describe('Crono API keys (per workspace, admins only)', () => {
    it('refuses a rep who is not an admin and a wrong key pair, then makes Crono the default CRM', async () => {
      const seeded = await harness.seedTenant();
      const admin = newSlackUser();
      const crono = harness.emulators.crono;
      const keys = (apiKey: string, apiSecret: string) => ({ [connectModals.crono.apiKey.block]: apiKey, [connectModals.crono.apiSecret.block]: apiSecret });

      const byRep = await submitModal(seeded, seeded.rep.slackUserId, connectModals.crono.callback, keys(crono.apiKey, crono.apiSecret));
      assert.deepEqual(await byRep.json(), { response_action: 'errors', errors: { [connectModals.crono.apiKey.block]: 'Only workspace admins can connect a CRM.' } });
      assert.ok(!(await homeButtons(seeded, seeded.rep.slackUserId)).some((button) => button.action_id === connectActions.crono), 'reps see no CRM buttons');

      await setRole(seeded, admin, 'admin');
      assert.equal((await homeButtons(seeded, admin)).find((button) => button.action_id === connectActions.crono)?.text, 'Connect Crono');
      const wrong = await submitModal(seeded, admin, connectModals.crono.callback, keys(crono.apiKey, 'wrong-secret'));
      assert.deepEqual(await wrong.json(), { response_action: 'errors', errors: { [connectModals.crono.apiKey.block]: 'Crono did not accept this key. Check it and paste it again.' } });
      assert.deepEqual((await connectionsOf(seeded)).map((connection) => connection.provider), ['hubspot'], 'nothing is stored for rejected keys');

      const accepted = await submitModal(seeded, admin, connectModals.crono.callback, keys(crono.apiKey, crono.apiSecret));
      assert.equal(await accepted.text(), '');
      const connections = await connectionsOf(seeded);
      assert.deepEqual(connections.map(({ provider, isDefault, health }) => ({ provider, isDefault, health })), [
        { provider: 'hubspot', isDefault: false, health: 'ok' },
        { provider: 'crono', isDefault: true, health: 'ok' },
      ]);
      const cronoConnection = connections[1]!;
      assert.equal(cronoConnection.secretRef, secretNames.crmConnection(seeded.tenant.id, cronoConnection.id));
      assert.deepEqual(JSON.parse((await harness.secrets.get(cronoConnection.secretRef))!), { type: 'apiKey', apiKey: crono.apiKey, apiSecret: crono.apiSecret });
      assert.equal((await connectedAudit(seeded, 'crm:crono'))[0]?.actor, admin);
      const tenant = await inTenant(harness.orm, seeded.tenant.id, (em) => em.findOneOrFail(Tenant, { id: seeded.tenant.id }));
      assert.equal(tenant.settings.defaultCrm, 'crono');
    });
  });

  describe('Google (per rep, OAuth)', () => {
    const callbackPath = '/connect/google/callback';

    it('sends the rep to Google’s consent screen and stores the tokens with the rep’s address', async () => {
      const seeded = await harness.seedTenant();
      const rep = newSlackUser();
      const link = (await homeButtons(seeded, rep)).find((button) => button.action_id === connectActions.google)!;
      assert.equal(link.text, 'Connect Google');
      const { location, cookie } = await startFlow(link.url!, { teamId: seeded.teamId, userId: rep });
      assert.ok(location && cookie);
      assert.equal(`${location.origin}${location.pathname}`, 'https://accounts.google.com/o/oauth2/v2/auth');
      assert.equal(location.searchParams.get('access_type'), 'offline');
      assert.equal(location.searchParams.get('prompt'), 'consent');
      assert.equal(location.searchParams.get('client_id'), 'google-test-client');
      assert.deepEqual(location.searchParams.get('scope')!.split(' ').sort(), [
        'email',
        'https://www.googleapis.com/auth/calendar.events',
        'https://www.googleapis.com/auth/gmail.compose',
        'openid',
      ]);
      const redirectUri = location.searchParams.get('redirect_uri')!;
      assert.equal(redirectUri, `${harness.config.api.publicUrl}${callbackPath}`);

      assert.equal(location.searchParams.get('code_challenge_method'), 'S256');
      const codeChallenge = location.searchParams.get('code_challenge')!;
      assert.match(codeChallenge, /^[\w-]{43}$/);

      const code = harness.emulators.google.issueAuthCode('Carol@Acme.com', { redirectUri, codeChallenge });
      const response = await callback(callbackPath, { code, state: location.searchParams.get('state')! }, cookie);
      assert.equal(response.status, 200);
      assert.match(await response.text(), /Google is connected/);
      const user = (await userOf(seeded, rep))!;
      assert.equal(user.googleSecretRef, secretNames.userGoogle(seeded.tenant.id, user.id));
      const tokens = JSON.parse((await harness.secrets.get(user.googleSecretRef))!) as { refreshToken: string; email: string };
      assert.equal(tokens.email, 'carol@acme.com');
      assert.ok(tokens.refreshToken);
      assert.equal((await connectedAudit(seeded, 'google'))[0]?.actor, rep);

      const replayed = await callback(callbackPath, { code, state: location.searchParams.get('state')! }, cookie);
      assert.equal(replayed.status, 400);
      assert.match(await replayed.text(), /expired or was already used/);
    });

    it('stores nothing when the rep declines, the state is tampered with or from another browser, or Google refuses the code', async () => {
      const seeded = await harness.seedTenant();
      const rep = newSlackUser();
      const link = async () => (await homeButtons(seeded, rep)).find((button) => button.action_id === connectActions.google)!.url!;

      const declined = await startFlow(await link(), { teamId: seeded.teamId, userId: rep });
      const denied = await callback(callbackPath, { error: 'access_denied', state: declined.location!.searchParams.get('state')! }, declined.cookie);
      assert.equal(denied.status, 400);
      assert.match(await denied.text(), /Google was not connected/);

      const tampered = new URL(await link());
      tampered.searchParams.set('state', `${tampered.searchParams.get('state')!.slice(0, -2)}xx`);
      const refused = await startFlow(tampered.href, { teamId: seeded.teamId, userId: rep });
      assert.equal(refused.response.status, 400);
      assert.match(await refused.response.text(), /Connect link expired/);

      const started = await startFlow(await link(), { teamId: seeded.teamId, userId: rep });
      const state = started.location!.searchParams.get('state')!;
      const code = harness.emulators.google.issueAuthCode('dave@acme.com');
      const otherBrowser = await callback(callbackPath, { code, state });
      assert.equal(otherBrowser.status, 400, 'the callback only completes in the browser that started');
      const badCode = await callback(callbackPath, { code: 'made-up-code', state }, started.cookie);
      assert.equal(badCode.status, 502);
      assert.match(await badCode.text(), /did not accept the sign-in, so nothing was stored/);

      assert.equal((await userOf(seeded, rep))?.googleSecretRef ?? null, null);
      assert.equal((await connectedAudit(seeded, 'google')).length, 0);
    });

    it('a rep’s link opened by someone else cannot connect their Google account to the rep', async () => {
      const seeded = await harness.seedTenant();
      const rep = newSlackUser();
      const colleague = newSlackUser();
      const link = (await homeButtons(seeded, rep)).find((button) => button.action_id === connectActions.google)!.url!;

      // The link is forwarded (or leaks); a colleague, or someone from another workspace, opens it.
      for (const intruder of [{ teamId: seeded.teamId, userId: colleague }, { teamId: 'T0ELSEWHERE', userId: rep }]) {
        const opened = await startFlow(link, intruder);
        assert.equal(opened.response.status, 403, 'Slack says who signed in, and it is not the link’s rep in the rep’s workspace');
        assert.match(await opened.response.text(), /This link was made for another Slack user/);
      }

      // Skipping Sign in with Slack: straight from the link to the consent screen and back, in the intruder’s browser.
      const state = new URL(link).searchParams.get('state')!;
      const skipped = await callback(callbackPath, { code: harness.emulators.google.issueAuthCode('mallory@evil.example'), state }, 'connect_identity=forged');
      assert.equal(skipped.status, 400);

      assert.equal((await userOf(seeded, rep))?.googleSecretRef ?? null, null, 'nothing was connected to the rep');
      assert.equal((await connectedAudit(seeded, 'google')).length, 0);

      // The rep can still use the very same link.
      const own = await startFlow(link, { teamId: seeded.teamId, userId: rep });
      const redirectUri = own.location!.searchParams.get('redirect_uri')!;
      const code = harness.emulators.google.issueAuthCode('erin@acme.com', { redirectUri, codeChallenge: own.location!.searchParams.get('code_challenge')! });
      assert.equal((await callback(callbackPath, { code, state: own.location!.searchParams.get('state')! }, own.cookie)).status, 200);
      assert.equal((await connectedAudit(seeded, 'google'))[0]?.actor, rep);
    });

    it('a code stolen from one flow cannot be redeemed in another: Google checks the PKCE verifier', async () => {
      const seeded = await harness.seedTenant();
      const victim = newSlackUser();
      const attacker = newSlackUser();
      const flowOf = async (userId: string) =>
        startFlow((await homeButtons(seeded, userId)).find((button) => button.action_id === connectActions.google)!.url!, { teamId: seeded.teamId, userId });
      const victimFlow = await flowOf(victim);
      const attackerFlow = await flowOf(attacker);
      const redirectUri = victimFlow.location!.searchParams.get('redirect_uri')!;
      const victimCode = harness.emulators.google.issueAuthCode('victim@acme.com', { redirectUri, codeChallenge: victimFlow.location!.searchParams.get('code_challenge')! });

      const injected = await callback(callbackPath, { code: victimCode, state: attackerFlow.location!.searchParams.get('state')! }, attackerFlow.cookie);
      assert.equal(injected.status, 502);
      assert.match(await injected.text(), /did not accept the sign-in, so nothing was stored/);
      assert.equal((await userOf(seeded, attacker))?.googleSecretRef ?? null, null, 'the victim’s Google is not the attacker’s');
      assert.equal((await connectedAudit(seeded, 'google')).length, 0);
    });
  });

  describe('HubSpot, Salesforce and Pipedrive (per workspace, OAuth, admins only)', () => {
    const callbackPath = '/connect/crm/hubspot/callback';

    it('offers Reconnect for a connection that needs it, and an admin’s consent gives it working tokens again', async () => {
      const seeded = await harness.seedTenant({ crm: 'crono' });
      const admin = newSlackUser();
      await setRole(seeded, admin, 'admin');
      const hubspotButton = async () => (await homeButtons(seeded, admin)).find((button) => button.action_id === connectActions.hubspot)!;
      assert.equal((await hubspotButton()).text, 'Connect HubSpot');

      const { location, cookie } = await startFlow((await hubspotButton()).url!, { teamId: seeded.teamId, userId: admin });
      assert.equal(`${location!.origin}${location!.pathname}`, 'https://app.hubspot.com/oauth/authorize');
      assert.equal(location!.searchParams.get('client_id'), harness.emulators.hubspot.oauthClient.clientId);
      const redirectUri = location!.searchParams.get('redirect_uri')!;
      const code = harness.emulators.hubspot.issueAuthCode(redirectUri);
      const response = await callback(callbackPath, { code, state: location!.searchParams.get('state')! }, cookie);
      assert.equal(response.status, 200);
      assert.match(await response.text(), /HubSpot is connected/);

      const connections = await connectionsOf(seeded);
      assert.deepEqual(connections.map(({ provider, isDefault }) => ({ provider, isDefault })), [
        { provider: 'crono', isDefault: false },
        { provider: 'hubspot', isDefault: true },
      ]);
      const hubspot = connections[1]!;
      const credentials = JSON.parse((await harness.secrets.get(hubspot.secretRef))!) as { type: string; accessToken: string; refreshToken: string; expiresAt: number };
      assert.equal(credentials.type, 'oauth');
      assert.equal(harness.emulators.hubspot.tokens.check(credentials.accessToken), 'valid');
      assert.ok(credentials.expiresAt > Date.now());
      assert.equal((await connectedAudit(seeded, 'crm:hubspot'))[0]?.actor, admin);

      await inTenant(harness.orm, seeded.tenant.id, async (em) => {
        Object.assign(await em.findOneOrFail(CrmConnection, { provider: 'hubspot' }), { health: 'needs-reconnect', lastError: 'HubSpot access was revoked.' });
      });
      const reconnect = await hubspotButton();
      assert.equal(reconnect.text, 'Reconnect HubSpot');
      assert.equal(reconnect.style, 'primary');
      const again = await startFlow(reconnect.url!, { teamId: seeded.teamId, userId: admin });
      const secondCode = harness.emulators.hubspot.issueAuthCode(redirectUri);
      assert.equal((await callback(callbackPath, { code: secondCode, state: again.location!.searchParams.get('state')! }, again.cookie)).status, 200);
      const healed = (await connectionsOf(seeded)).find((connection) => connection.provider === 'hubspot')!;
      assert.equal(healed.health, 'ok');
      assert.equal(healed.lastError, null);
      assert.equal(healed.id, hubspot.id, 'reconnecting updates the same connection');
    });

    for (const provider of ['salesforce', 'pipedrive'] as const) {
      it(`connects ${provider} with its instance address, as the default CRM`, async () => {
        const seeded = await harness.seedTenant();
        const admin = newSlackUser();
        await setRole(seeded, admin, 'admin');
        const emulator = harness.emulators[provider];
        const button = (await homeButtons(seeded, admin)).find((candidate) => candidate.action_id === connectActions[provider])!;
        assert.match(button.text, /^Connect (Salesforce|Pipedrive)$/);
        const { location, cookie } = await startFlow(button.url!, { teamId: seeded.teamId, userId: admin });
        assert.equal(location!.searchParams.get('client_id'), emulator.oauthClient.clientId);
        const redirectUri = location!.searchParams.get('redirect_uri')!;
        assert.equal(redirectUri, `${harness.config.api.publicUrl}/connect/crm/${provider}/callback`);
        // Salesforce documents PKCE; Pipedrive does not, and gets no challenge it would ignore.
        const codeChallenge = location!.searchParams.get('code_challenge') ?? undefined;
        assert.equal(codeChallenge !== undefined, provider === 'salesforce');
        const code = emulator.issueAuthCode(redirectUri, codeChallenge);
        const response = await callback(`/connect/crm/${provider}/callback`, { code, state: location!.searchParams.get('state')! }, cookie);
        assert.equal(response.status, 200);

        const connection = (await connectionsOf(seeded)).find((candidate) => candidate.isDefault)!;
        assert.equal(connection.provider, provider);
        const credentials = JSON.parse((await harness.secrets.get(connection.secretRef))!) as { accessToken: string; refreshToken: string; instanceUrl: string };
        assert.equal(credentials.instanceUrl, emulator.url, 'the account’s API address is kept');
        assert.ok(credentials.refreshToken);
        assert.equal(emulator.tokens.check(credentials.accessToken), 'valid');
        assert.equal((await connectedAudit(seeded, `crm:${provider}`))[0]?.actor, admin);
      });
    }

    it('refuses a rep who is not an admin, even with a valid link', async () => {
      const seeded = await harness.seedTenant({ crm: null });
      const admin = newSlackUser();
      await setRole(seeded, admin, 'admin');
      const url = (await homeButtons(seeded, admin)).find((button) => button.action_id === connectActions.hubspot)!.url!;
      await setRole(seeded, admin, 'member');
      const refused = await startFlow(url, { teamId: seeded.teamId, userId: admin });
      assert.equal(refused.response.status, 403);
      assert.match(await refused.response.text(), /Only a workspace admin can connect HubSpot/);
      assert.deepEqual(await connectionsOf(seeded), []);
    });
  });
});

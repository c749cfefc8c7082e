import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { issueOAuthState } from '../../api/connections/oauth-state';
import { tenantOfSlackId } from '../../db/tenant-directory';
import { inTenant } from '../../db/tenant-scope';
import { AuditLog, Tenant, User } from '../../entities';
import { slashCommandBody } from '../../emulators/slack-request-signer';
import { startProductHarness, type ProductHarness } from '../support/product-harness';

describe('Slack install for any workspace (OAuth v2)', function () {
  this.timeout(60_000);
  let harness: ProductHarness;
  let redirectUri: string;

  before(async () => {
    harness = await startProductHarness({ startWorker: false });
    redirectUri = `${harness.config.api.publicUrl}/slack/oauth/callback`;
  });
  after(async () => harness?.close());

  const newTeamId = () => `T${randomUUID().slice(0, 9).toUpperCase().replace(/-/g, '0')}`;

  async function startInstall(): Promise<{ location: URL; state: string; cookie: string; setCookie: string }> {
    const response = await fetch(`${harness.apiUrl}/slack/install`, { redirect: 'manual' });
    assert.equal(response.status, 302);
    const location = new URL(response.headers.get('location')!);
    const setCookie = response.headers.getSetCookie()[0]!;
    return { location, state: location.searchParams.get('state')!, cookie: setCookie.split(';')[0]!, setCookie };
  }

  function callback(query: Record<string, string>, cookie?: string): Promise<Response> {
    return fetch(`${harness.apiUrl}/slack/oauth/callback?${new URLSearchParams(query).toString()}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
  }

  function command(teamId: string, extra: Record<string, string> = {}): Promise<Response> {
    return harness.postSigned('/slack/commands', slashCommandBody({ command: '/followup', text: 'help', team_id: teamId, user_id: 'U0SOMEONE', channel_id: 'C1', trigger_id: randomUUID(), ...extra }));
  }

    const tenantOf = async (slackTeamId: string) => {
    const installed = await tenantOfSlackId(harness.orm, slackTeamId);
    return installed ? inTenant(harness.orm, installed.tenantId, (em) => em.findOne(Tenant, { id: installed.tenantId })) : null;
  };
  const oauthExchanges = () => harness.emulators.slack.calls('oauth.v2.access').length;

  it('sends the browser to Slack’s consent screen with the client id, scopes, redirect URI and a signed state', async () => {
    const { location, state, setCookie } = await startInstall();
    assert.equal(`${location.origin}${location.pathname}`, 'https://slack.com/oauth/v2/authorize');
    assert.equal(location.searchParams.get('client_id'), 'slack-client-id');
    assert.equal(location.searchParams.get('redirect_uri'), redirectUri);
    assert.deepEqual(location.searchParams.get('scope')!.split(','), ['commands', 'chat:write', 'chat:write.public', 'im:write', 'users:read', 'users:read.email']);
    assert.match(state, /^v1\.[\w-]+\.\d+\.[\w-]+$/);
    assert.match(setCookie, new RegExp(`^slack_install_state=${state.replace(/\./g, '\\.')};`), 'the state is bound to this browser');
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Lax/);
    assert.match(setCookie, /Max-Age=600/);
  });

  it('installs a new workspace: active tenant, bot token in the secret store, installer as admin, audit row; its requests are then accepted', async () => {
    const teamId = newTeamId();
    const botToken = `xoxb-installed-${randomUUID()}`;
    assert.equal((await command(teamId)).status, 403, 'not installed yet');

    const { location, state, cookie } = await startInstall();
    const code = harness.emulators.slack.approveInstall(location, { teamId, teamName: 'Globex <Sales>', installerUserId: 'U0INSTALLER', botToken });
    harness.emulators.slack.addUser({ id: 'U0INSTALLER', teamId, name: 'ines', realName: 'Inés García', tz: 'America/Los_Angeles', locale: 'es-ES' });
    const response = await callback({ code, state }, cookie);
    assert.equal(response.status, 200);
    const page = await response.text();
    assert.match(page, /Follow-up is installed in Globex &lt;Sales&gt;/, 'the workspace name is shown, escaped');
    assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.match(response.headers.getSetCookie().join('\n'), /slack_install_state=; .*Max-Age=0/, 'the state cookie is cleared');

    const tenant = await tenantOf(teamId);
    assert.ok(tenant, 'a tenant exists for the team');
    assert.equal(tenant.status, 'active');
    assert.equal(tenant.name, 'Globex <Sales>');
    assert.equal(await harness.secrets.get(tenant.botTokenSecretRef!), botToken, 'the bot token is in the secret store');
    const { installer, audit } = await inTenant(harness.orm, tenant.id, async (em) => ({
      installer: await em.findOne(User, { slackUserId: 'U0INSTALLER' }),
      audit: await em.find(AuditLog, { action: 'tenant.installed' }),
    }));
    assert.equal(installer?.role, 'admin');
    assert.deepEqual(
      { timeZone: installer?.timeZone, locale: installer?.locale, fullName: installer?.fullName },
      { timeZone: 'America/Los_Angeles', locale: 'es-ES', fullName: 'Inés García' },
      'the installer’s zone, language and name come from Slack',
    );
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.actor, 'U0INSTALLER');
    assert.equal(audit[0]!.detail.previousStatus, null);

    assert.equal((await command(teamId)).status, 200, 'the new workspace’s slash commands are accepted');
    const exchange = harness.emulators.slack.calls('oauth.v2.access').at(-1)!;
    assert.equal(exchange.redirect_uri, redirectUri);
    assert.equal(exchange.client_id, 'slack-client-id');
  });

  it('refuses a reused, tampered or expired state, and a callback from another browser, without asking Slack', async () => {
    const teamId = newTeamId();
    const first = await startInstall();
    const code = harness.emulators.slack.approveInstall(first.location, { teamId, teamName: 'Initech', installerUserId: 'U0ADMIN' });
    assert.equal((await callback({ code, state: first.state }, first.cookie)).status, 200);
    const exchangesBefore = oauthExchanges();

    const reused = await callback({ code, state: first.state }, first.cookie);
    assert.equal(reused.status, 400);
    assert.match(await reused.text(), /expired or was already used/);

    const second = await startInstall();
    const tampered = `${second.state.slice(0, -2)}${second.state.endsWith('AA') ? 'BB' : 'AA'}`;
    assert.equal((await callback({ code, state: tampered }, `slack_install_state=${tampered}`)).status, 400);

    const expired = issueOAuthState(harness.config.slack.stateSecret, Date.now() - 11 * 60_000);
    assert.equal((await callback({ code, state: expired }, `slack_install_state=${expired}`)).status, 400);

    const otherBrowser = await callback({ code, state: second.state });
    assert.equal(otherBrowser.status, 400, 'no cookie: started in another browser');
    assert.match(await otherBrowser.text(), /only valid in the browser that opened it/);

    assert.equal(oauthExchanges(), exchangesBefore, 'no refused callback reached oauth.v2.access');
  });

  it('brings an uninstalled workspace back as the same tenant, with its settings and a new token, and the reinstalling member stays a member', async () => {
    const seeded = await harness.seedTenant();
    await inTenant(harness.orm, seeded.tenant.id, async (em) => {
      const tenant = await em.findOneOrFail(Tenant, { id: seeded.tenant.id });
      tenant.status = 'inactive';
      tenant.botTokenSecretRef = null;
      tenant.settings = { ...tenant.settings, tone: 'friendly' };
    });
    const newToken = `xoxb-reinstalled-${randomUUID()}`;
    const { location, state, cookie } = await startInstall();
    const code = harness.emulators.slack.approveInstall(location, { teamId: seeded.teamId, teamName: 'Acme', installerUserId: seeded.rep.slackUserId, botToken: newToken });
    const response = await callback({ code, state }, cookie);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /Follow-up is back in Acme/);

    const tenant = await tenantOf(seeded.teamId);
    assert.equal(tenant?.id, seeded.tenant.id, 'the same tenant, not a new one');
    assert.equal(tenant?.status, 'active');
    assert.equal(tenant?.settings.tone, 'friendly', 'settings survive the reinstall');
    assert.equal(await harness.secrets.get(tenant!.botTokenSecretRef!), newToken);
    const rep = await inTenant(harness.orm, seeded.tenant.id, (em) => em.findOneOrFail(User, { slackUserId: seeded.rep.slackUserId }));
    assert.equal(rep.role, 'member', 'reinstalling makes no one an admin');
    const audit = await inTenant(harness.orm, seeded.tenant.id, (em) => em.findOneOrFail(AuditLog, { action: 'tenant.installed' }));
    assert.equal(audit.detail.previousStatus, 'inactive');
  });

  it('keys an org-wide Enterprise Grid install on the enterprise id, so every workspace of the org resolves to it', async () => {
    const enterpriseId = `E${randomUUID().slice(0, 9).toUpperCase().replace(/-/g, '0')}`;
    const { location, state, cookie } = await startInstall();
    const code = harness.emulators.slack.approveInstall(location, {
      teamId: newTeamId(),
      teamName: 'ignored for org installs',
      enterpriseId,
      enterpriseName: 'Umbrella Corp',
      isEnterpriseInstall: true,
      installerUserId: 'W0ORGADMIN',
    });
    const response = await callback({ code, state }, cookie);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /installed in Umbrella Corp/);
    const tenant = await tenantOf(enterpriseId);
    assert.equal(tenant?.slackEnterpriseId, enterpriseId);
    assert.equal(tenant?.name, 'Umbrella Corp');
    assert.equal((await command(newTeamId(), { enterprise_id: enterpriseId })).status, 200, 'a workspace of the org is served by the org’s tenant');
  });

  it('shows a plain page when the user cancels on Slack’s consent screen', async () => {
    const { state, cookie } = await startInstall();
    const response = await callback({ error: 'access_denied', state }, cookie);
    assert.equal(response.status, 400);
    const page = await response.text();
    assert.match(page, /Installation cancelled/);
    assert.match(page, new RegExp(`href="${harness.config.api.publicUrl}/slack/install"`));
  });
});

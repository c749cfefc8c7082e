import assert from 'node:assert/strict';
import { WorkflowNotFoundError } from '@temporalio/client';
import { inTenant } from '../../db/tenant-scope';
import { AuditLog, CrmConnection, Tenant, User } from '../../entities';
import { registerFathomWebhook } from '../../clients/fathom-webhooks';
import type { MeetingSourceCredentials } from '../../clients/meeting-source';
import { secretNames } from '../../secrets/secret-store';
import type { MeetingState } from '../../domain/meeting';
import { offboardWorkflowId, type OffboardTenantResult } from '../../workflows/offboard-tenant-types';
import { meetingState } from '../support/meeting-flow';
import { startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';
import { postSlackEvent } from '../support/slack-events';
import { waitFor } from '../support/wait-for';

describe('Uninstall: app_uninstalled and tokens_revoked close the tenant down', function () {
  this.timeout(120_000);
  let harness: ProductHarness;

  before(async () => {
    harness = await startProductHarness();
    harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
  });
  after(async () => harness?.close());

  /** Starts a meeting from its own channel and waits until it waits for the rep. */
  async function runningMeeting(seeded: SeededTenant, channelId: string): Promise<string> {
    const meeting = harness.addFathomMeeting(seeded);
    assert.equal((await harness.slashCommand(seeded, meeting.url, { channelId })).status, 200);
    const workflowId = harness.workflowId(seeded, meeting.recording_id);
    await waitFor(`${workflowId} waiting for the rep`, async () => (await meetingState(harness, workflowId)).status === 'awaiting-rep');
    return workflowId;
  }

  const tenantRow = (tenantId: string) => inTenant(harness.orm, tenantId, (em) => em.findOneOrFail(Tenant, { id: tenantId }));
  const auditActions = async (tenantId: string) =>
    (await inTenant(harness.orm, tenantId, (em) => em.find(AuditLog, {}, { orderBy: { id: 'asc' } }))).map((row) => row.action);

  it('app_uninstalled: the tenant turns inactive, its running meetings end as cancelled, its bot token is deleted, all audited; other tenants are untouched', async () => {
    const leaving = await harness.seedTenant();
    const staying = await harness.seedTenant();
    const leavingMeeting = await runningMeeting(leaving, 'C0LEAVING');
    const stayingMeeting = await runningMeeting(staying, 'C0STAYING');

    // What Slack does on uninstall: the bot token stops working, then the event arrives.
    harness.emulators.slack.revokeWorkspace(leaving.teamId);
    const started = Date.now();
    const response = await postSlackEvent(harness, leaving.teamId, { type: 'app_uninstalled' });
    assert.equal(response.status, 200);
    assert.ok(Date.now() - started < 3000, 'Slack got its answer within 3 seconds');

    const result = (await harness.client.workflow.getHandle(leavingMeeting).result()) as MeetingState;
    assert.equal(result.status, 'cancelled', 'the meeting workflow finished cleanly as cancelled');
    const tenant = await tenantRow(leaving.tenant.id);
    assert.equal(tenant.status, 'inactive');
    assert.equal(tenant.botTokenSecretRef, null);
    await waitFor('the bot token deleted', async () => (await harness.secrets.get(secretNames.slackBotToken(leaving.tenant.id))) === null);
    await waitFor('the audit trail of the offboarding', async () => (await auditActions(leaving.tenant.id)).includes('tenant.meetings-closed'));
    const actions = await auditActions(leaving.tenant.id);
    assert.ok(actions.indexOf('tenant.uninstalled') < actions.indexOf('tenant.bot-token-deleted'), actions.join(', '));
    const closed = await inTenant(harness.orm, leaving.tenant.id, (em) => em.findOneOrFail(AuditLog, { action: 'tenant.meetings-closed' }));
    assert.equal(closed.detail.signalled, 1);
    assert.equal(closed.workflowId, offboardWorkflowId(leaving.tenant.id));

    assert.equal((await harness.slashCommand(leaving, 'help')).status, 403, 'the workspace no longer resolves to a tenant');
    assert.equal((await postSlackEvent(harness, leaving.teamId, { type: 'tokens_revoked', tokens: { bot: ['U0BOT'] } })).status, 200, 'late events are acknowledged, not refused');

    assert.equal((await tenantRow(staying.tenant.id)).status, 'active');
    assert.equal((await meetingState(harness, stayingMeeting)).status, 'awaiting-rep', 'another tenant’s meeting keeps running');
    assert.ok(await harness.secrets.get(secretNames.slackBotToken(staying.tenant.id)));
  });

  /** What a tenant holds before it leaves: the secrets of its HubSpot connection and its rep's Google and Fathom accounts. */
  async function heldCredentials(seeded: SeededTenant) {
    const connection = await inTenant(harness.orm, seeded.tenant.id, (em) => em.findOneOrFail(CrmConnection, { provider: 'hubspot' }));
    const secretRefs = [
      connection.secretRef,
      secretNames.userGoogle(seeded.tenant.id, seeded.rep.userId),
      secretNames.userFathom(seeded.tenant.id, seeded.rep.userId),
      secretNames.fathomWebhookSecret(seeded.tenant.id, seeded.rep.userId),
    ];
    for (const secretRef of secretRefs) assert.ok(await harness.secrets.get(secretRef), `${secretRef} is there before the uninstall`);
    const hubspot = JSON.parse((await harness.secrets.get(connection.secretRef))!) as { refreshToken: string };
    const google = JSON.parse((await harness.secrets.get(secretRefs[1]!))!) as { refreshToken: string };
    return { secretRefs, hubspotRefreshToken: hubspot.refreshToken, googleRefreshToken: google.refreshToken };
  }

  async function uninstall(seeded: SeededTenant): Promise<void> {
    harness.emulators.slack.revokeWorkspace(seeded.teamId);
    assert.equal((await postSlackEvent(harness, seeded.teamId, { type: 'app_uninstalled' })).status, 200);
    await harness.client.workflow.getHandle(offboardWorkflowId(seeded.tenant.id)).result();
  }

  async function assertNothingLeft(seeded: SeededTenant, secretRefs: string[]): Promise<void> {
    for (const secretRef of secretRefs) assert.equal(await harness.secrets.get(secretRef), null, `${secretRef} was deleted`);
    const rows = await inTenant(harness.orm, seeded.tenant.id, async (em) => ({ connections: await em.count(CrmConnection, {}), rep: await em.findOneOrFail(User, { id: seeded.rep.userId }) }));
    assert.equal(rows.connections, 0, 'no CRM connection is left');
    assert.equal(rows.rep.googleSecretRef, null);
    assert.equal(rows.rep.fathomSecretRef, null);
    assert.equal(rows.rep.fathomWebhookId, null);
  }

  const auditRows = (tenantId: string, action: string) => inTenant(harness.orm, tenantId, (em) => em.find(AuditLog, { action }, { orderBy: { id: 'asc' } }));

  /** The rep's webhook at Fathom, as connecting Fathom from App Home registers it. */
  async function registeredFathomWebhook(seeded: SeededTenant): Promise<string> {
    const credentials = JSON.parse((await harness.secrets.get(secretNames.userFathom(seeded.tenant.id, seeded.rep.userId)))!) as MeetingSourceCredentials;
    const webhook = await registerFathomWebhook({ baseUrl: harness.config.fathom.apiUrl, credentials, destinationUrl: `${harness.config.api.publicUrl}/webhooks/fathom/${seeded.rep.userId}` });
    await inTenant(harness.orm, seeded.tenant.id, async (em) => {
      (await em.findOneOrFail(User, { id: seeded.rep.userId })).fathomWebhookId = webhook.id;
    });
    return webhook.id;
  }

  it('uninstall revokes the HubSpot and Google grants, deletes the Fathom webhook and every credential of the tenant, audited', async () => {
    const seeded = await harness.seedTenant();
    const held = await heldCredentials(seeded);
    const webhookId = await registeredFathomWebhook(seeded);

    await uninstall(seeded);

    await assertNothingLeft(seeded, held.secretRefs);
    assert.ok(!harness.emulators.fathom.webhooks().some((webhook) => webhook.id === webhookId), 'Fathom no longer sends the rep’s recordings');
    assert.equal(harness.emulators.hubspot.tokens.refresh(held.hubspotRefreshToken), undefined, 'HubSpot no longer refreshes the token');
    // Through HubSpot's 2026-03 OAuth API, token in the body: the v1 endpoints (token in the path) are sunset on 2027-02-16.
    const hubspotRevocations = harness.emulators.hubspot.requestsTo('POST', /^\/oauth\/2026-03\/token\/revoke$/).filter((request) => (request.body as { token?: string }).token === held.hubspotRefreshToken);
    assert.equal(hubspotRevocations.length, 1, 'HubSpot was asked once to revoke the refresh token');
    assert.equal(harness.emulators.hubspot.requests.filter((request) => request.path.startsWith('/oauth/v1/')).length, 0, 'no v1 OAuth call');
    const googleRevocations = harness.emulators.google.requestsTo('POST', /^\/revoke$/).filter((request) => (request.body as { token?: string }).token === held.googleRefreshToken);
    assert.equal(googleRevocations.length, 1, 'Google was asked once to revoke the rep’s grant');
    const revoked = await auditRows(seeded.tenant.id, 'credential.revoked');
    assert.deepEqual(revoked.map((row) => [row.target, row.detail.outcome]).sort(), [
      ['crm:hubspot', 'revoked'],
      [`fathom:${seeded.rep.slackUserId}`, 'revoked'],
      [`google:${seeded.rep.slackUserId}`, 'revoked'],
    ]);
    const deleted = await auditRows(seeded.tenant.id, 'credential.deleted');
    assert.deepEqual(deleted.map((row) => row.target).sort(), ['crm:hubspot', `fathom:${seeded.rep.slackUserId}`, `google:${seeded.rep.slackUserId}`]);
    for (const row of [...revoked, ...deleted]) {
      assert.ok(!JSON.stringify(row.detail).includes(held.googleRefreshToken) && !JSON.stringify(row.detail).includes(held.hubspotRefreshToken), 'no token in the audit log');
    }
  });

  it('a provider that keeps failing to revoke does not stop the uninstall: the failure is audited and the credential deleted anyway', async () => {
    const seeded = await harness.seedTenant();
    const held = await heldCredentials(seeded);
    harness.emulators.google.injectFault({ method: 'POST', path: /^\/revoke$/, times: Infinity, fault: { status: 503, body: { error: 'backendError' } } });
    try {
      await uninstall(seeded);
    } finally {
      harness.emulators.google.clearFaults();
    }

    await assertNothingLeft(seeded, held.secretRefs);
    assert.equal(harness.emulators.google.requestsTo('POST', /^\/revoke$/).filter((request) => (request.body as { token?: string }).token === held.googleRefreshToken).length, 3, 'tried three times');
    const [failed, ...more] = await auditRows(seeded.tenant.id, 'credential.revoke-failed');
    assert.equal(more.length, 0);
    assert.equal(failed?.target, `google:${seeded.rep.slackUserId}`);
    assert.equal(failed?.result, 'failure');
    assert.equal(harness.emulators.hubspot.tokens.refresh(held.hubspotRefreshToken), undefined, 'the other grants are revoked all the same');
  });

  it('tokens_revoked offboards when the bot token is revoked, and changes nothing when only user tokens are', async () => {
    const seeded = await harness.seedTenant();
    assert.equal((await postSlackEvent(harness, seeded.teamId, { type: 'tokens_revoked', tokens: { oauth: ['U0SOMEUSER'], bot: [] } })).status, 200);
    await assert.rejects(harness.client.workflow.getHandle(offboardWorkflowId(seeded.tenant.id)).describe(), WorkflowNotFoundError);
    assert.equal((await tenantRow(seeded.tenant.id)).status, 'active');

    // Slack's event_time has whole seconds: an uninstall in the very second of the install still applies.
    const sameSecondAsInstall = Math.floor(seeded.tenant.installedAt.getTime() / 1000);
    const revoked = await postSlackEvent(harness, seeded.teamId, { type: 'tokens_revoked', tokens: { oauth: [], bot: ['U0BOT'] } }, { eventTime: sameSecondAsInstall });
    assert.equal(revoked.status, 200);
    await waitFor('the tenant inactive', async () => (await tenantRow(seeded.tenant.id)).status === 'inactive');
    await waitFor('the bot token deleted', async () => (await harness.secrets.get(secretNames.slackBotToken(seeded.tenant.id))) === null);
  });

  it('a late uninstall event does not undo an install made after it', async () => {
    const seeded = await harness.seedTenant();
    const anHourAgo = Math.floor(Date.now() / 1000) - 3600;
    assert.equal((await postSlackEvent(harness, seeded.teamId, { type: 'app_uninstalled' }, { eventTime: anHourAgo })).status, 200);
    const result = (await harness.client.workflow.getHandle(offboardWorkflowId(seeded.tenant.id)).result()) as OffboardTenantResult;
    assert.deepEqual(result, { deactivated: false, cancelSignalsSent: 0 });
    assert.equal((await tenantRow(seeded.tenant.id)).status, 'active');
    assert.equal(await harness.secrets.get(secretNames.slackBotToken(seeded.tenant.id)), seeded.botToken);
    assert.ok((await auditActions(seeded.tenant.id)).includes('tenant.uninstall-ignored'));
  });
});

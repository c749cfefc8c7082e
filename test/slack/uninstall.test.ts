import assert from 'node:assert/strict';
import { WorkflowNotFoundError } from '@temporalio/client';
import { inTenant } from '../../db/tenant-scope';
import { AuditLog, Tenant } from '../../entities';
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

import assert from 'node:assert/strict';
import { inTenant } from '../../db/tenant-scope';
import { AuditLog, SyncIncident, User } from '../../entities';
import { cardActions, incidentActions } from '../../slack/action-ids';
import { meetingState, prepareMeeting, salesChannel } from '../support/meeting-flow';
import { startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';
import { waitFor } from '../support/wait-for';

const adminSlackUserId = 'U0ADMIN';

describe('failed CRM syncs reach the workspace admins', function () {
  this.timeout(240_000);
  let harness: ProductHarness;

  beforeEach(async () => {
    harness = await startProductHarness();
  });
  afterEach(async () => harness?.close());

  async function seedWithAdmin(): Promise<SeededTenant> {
    const seeded = await harness.seedTenant();
    harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
    harness.emulators.slack.addUser({ id: adminSlackUserId, teamId: seeded.teamId, name: 'ada', realName: 'Ada Admin', tz: 'Europe/Rome', email: 'ada@acme.com' });
    await inTenant(harness.orm, seeded.tenant.id, async (em) => {
      em.persist(Object.assign(new User(), { tenantId: seeded.tenant.id, slackUserId: adminSlackUserId, role: 'admin', email: 'ada@acme.com' }));
    });
    return seeded;
  }

  function adminDms() {
    return harness.emulators.slack.messages(harness.emulators.slack.directMessageChannel(adminSlackUserId));
  }

  it('sends one DM for a HubSpot 401 on three meetings, and Retry all after reconnecting logs the three notes, audited', async () => {
    const seeded = await seedWithAdmin();
    const meetings = [await prepareMeeting(harness, seeded, {}, cardActions.logNote)];
    for (let index = 1; index < 3; index += 1) {
      const meeting = harness.addFathomMeeting(seeded);
      await harness.slashCommand(seeded, meeting.url, { channelId: salesChannel });
      const recordingId = String(meeting.recording_id);
      const workflowId = harness.workflowId(seeded, recordingId);
      await waitFor(`the card of ${recordingId}`, async () => (await meetingState(harness, workflowId)).status === 'awaiting-rep', 60_000);
      meetings.push({ recordingId, workflowId });
    }
    harness.emulators.hubspot.revokeRefreshToken();
    harness.emulators.hubspot.expireAccessTokens();

    for (const { recordingId } of meetings) await harness.click(seeded, { actionId: cardActions.logNote, value: recordingId });
    for (const { workflowId } of meetings) {
      await waitFor(`the failed note of ${workflowId}`, async () => (await meetingState(harness, workflowId)).actions.note.status === 'failed', 60_000);
    }
    await waitFor('the admin DM to count three meetings', () => /HubSpot sync failing: 3 meetings/.test(adminDms().at(-1)?.text ?? ''), 30_000);
    assert.equal(adminDms().length, 1, 'one DM for the incident, updated rather than repeated');
    assert.equal(harness.emulators.slack.messages(harness.emulators.slack.directMessageChannel(seeded.rep.slackUserId)).length, 0, 'a rep who is no admin gets no such DM');
    const incidentId = JSON.stringify(adminDms()[0]!.blocks).match(new RegExp(`"action_id":"${incidentActions.retryAll}","value":"([^"]+)"`))?.[1];
    assert.ok(incidentId, 'the DM offers Retry all');

    await harness.click(seeded, { actionId: incidentActions.retryAll, value: incidentId }, { userId: seeded.rep.slackUserId });
    await waitFor('the refusal to a non-admin', () => harness.emulators.slack.responseUrlPosts().some((post) => /Only a workspace admin/.test(JSON.stringify(post.body))));
    assert.equal(harness.emulators.hubspot.notes().length, 0, 'a non-admin retried nothing');

    await harness.reconnectHubSpot(seeded);
    await harness.click(seeded, { actionId: incidentActions.retryAll, value: incidentId }, { userId: adminSlackUserId });
    for (const { workflowId } of meetings) {
      await waitFor(`the retried note of ${workflowId}`, async () => (await meetingState(harness, workflowId)).actions.note.status === 'done', 60_000);
    }
    assert.equal(harness.emulators.hubspot.notes().length, 3, 'one note per meeting');

    const audit = await inTenant(harness.orm, seeded.tenant.id, (em) => em.find(AuditLog, { actor: adminSlackUserId }, { orderBy: { id: 'asc' } }));
    const batch = audit.filter((row) => row.action === 'crm-sync.retry-all');
    assert.equal(batch.length, 1);
    assert.deepEqual([...(batch[0]!.detail.workflowIds as string[])].sort(), meetings.map((meeting) => meeting.workflowId).sort());
    const retries = audit.filter((row) => row.action === 'action.retry');
    assert.deepEqual(retries.map((row) => row.workflowId).sort(), meetings.map((meeting) => meeting.workflowId).sort(), 'each meeting audits the admin’s retry');
    const incident = await inTenant(harness.orm, seeded.tenant.id, (em) => em.findOneOrFail(SyncIncident, { id: incidentId }));
    assert.ok(incident.closedAt, 'the retried incident is closed: a later failure starts a new count');
  });
});

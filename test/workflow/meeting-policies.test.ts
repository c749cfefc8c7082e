import assert from 'node:assert/strict';
import { inTenant } from '../../db/tenant-scope';
import { AccountMapping } from '../../entities';
import { cardActions, editModalFields } from '../../slack/action-ids';
import { createTaskUpdate, updateDealUpdate } from '../../workflows/messages';
import type { Actor } from '../../domain/meeting';
import { cardButtons, cardText } from '../support/card';
import { submitEditTexts } from '../support/edit-modal';
import { meetingState, prepareMeeting, salesChannel } from '../support/meeting-flow';
import { startProductHarness, type ProductHarness } from '../support/product-harness';
import { waitFor } from '../support/wait-for';
import { signActor } from '../../runtime/actor-proof';

describe('meeting workflow: policies, edits, deals and tasks', function () {
  this.timeout(120_000);
  let harness: ProductHarness;

  beforeEach(async () => {
    harness = await startProductHarness();
  });
  afterEach(async () => harness?.close());

  it('skips an internal-only meeting until the rep asks to process it anyway', async () => {
    const seeded = await harness.seedTenant();
    const colleague = { name: 'Bob Internal', email: 'bob@acme.com', email_domain: 'acme.com', is_external: false, matched_speaker_display_name: 'Bob Internal' };
    const { recordingId, workflowId } = await prepareMeeting(
      harness,
      seeded,
      { calendar_invitees: [colleague], calendar_invitees_domains_type: 'only_internal' },
      cardActions.processAnyway,
    );
    assert.match(cardText(harness.emulators.slack, salesChannel), /Only internal attendees/);
    assert.equal(harness.emulators.anthropic.messageRequests().length, 0, 'nothing was drafted for an internal meeting');

    await harness.click(seeded, { actionId: cardActions.processAnyway, value: recordingId });
    await waitFor('the drafted follow-up', async () => (await meetingState(harness, workflowId)).draftRevision === 1);
    assert.equal(harness.emulators.anthropic.messageRequests().length, 1);
  });

  it('logs the note by itself when the tenant allows it and the match is confident', async () => {
    const seeded = await harness.seedTenant({ autoLog: true });
    harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
    const meeting = harness.addFathomMeeting(seeded);
    await harness.slashCommand(seeded, meeting.url, { channelId: salesChannel });
    await waitFor('the automatic note', () => harness.emulators.hubspot.notes().length === 1);
    const state = await meetingState(harness, harness.workflowId(seeded, meeting.recording_id));
    assert.equal(state.actions.note.bySlackUserId, 'system');
  });

  it('never logs the note by itself for an account that only a rep-made mapping matched', async () => {
    const seeded = await harness.seedTenant({ autoLog: true });
    const mapped = harness.emulators.hubspot.addCompany({ name: 'Someone Else Ltd', domain: 'someone-else.com' });
    await inTenant(harness.orm, seeded.tenant.id, async (em) => {
      em.persist(Object.assign(new AccountMapping(), {
        tenantId: seeded.tenant.id, provider: 'hubspot', domain: 'client.com', accountId: mapped, accountName: 'Someone Else Ltd', source: 'rep-choice', createdBySlackUserId: 'UANOTHERREP',
      }));
    });
    const meeting = harness.addFathomMeeting(seeded);
    await harness.slashCommand(seeded, meeting.url, { channelId: salesChannel });
    const workflowId = harness.workflowId(seeded, meeting.recording_id);
    // The automatic note is decided in the same workflow task that makes the meeting await the rep.
    await waitFor('the meeting awaiting the rep', async () => (await meetingState(harness, workflowId)).status === 'awaiting-rep');
    const state = await meetingState(harness, workflowId);
    assert.deepEqual([state.account?.chosen?.id, state.account?.chosen?.source], [mapped, 'rep-mapping']);
    assert.equal(state.actions.note.status, 'idle');
    assert.equal(harness.emulators.hubspot.notes().length, 0);
    await waitFor('the Log to CRM button for the rep', () => cardButtons(harness.emulators.slack, salesChannel).includes(cardActions.logNote));
    assert.equal(harness.emulators.hubspot.notes().length, 0);
  });

  it('uses the rep’s edits for the note, and keeps the modal with an error on the field for bad input', async () => {
    const seeded = await harness.seedTenant();
    harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
    const { recordingId, workflowId } = await prepareMeeting(harness, seeded, {}, cardActions.logNote);

    await harness.click(seeded, { actionId: cardActions.edit, value: recordingId });
    await waitFor('the edit modal', () => harness.emulators.slack.calls('views.open').length === 1);
    const submit = (values: { summary: string; crmNote: string }) => submitEditTexts(harness, seeded, recordingId, values);

    const refused = await submit({ summary: '   ', crmNote: 'Edited note' });
    assert.equal(refused.status, 200);
    const errors = (await refused.json()) as { response_action: string; errors: Record<string, string> };
    assert.equal(errors.response_action, 'errors');
    assert.match(errors.errors[editModalFields.summary.block]!, /summary cannot be empty/);

    const saved = await submit({ summary: 'Client Inc wants a pilot before Q3.', crmNote: 'EDITED BY REP: pilot proposal due Friday.' });
    assert.equal(saved.status, 200);
    await waitFor('the edited revision', async () => (await meetingState(harness, workflowId)).draftRevision === 2);
    await harness.click(seeded, { actionId: cardActions.logNote, value: recordingId });
    await waitFor('the note', () => harness.emulators.hubspot.notes().length === 1);
    assert.match(harness.emulators.hubspot.notes()[0]!.body, /EDITED BY REP: pilot proposal due Friday\./);
    assert.match(cardText(harness.emulators.slack, salesChannel), /Client Inc wants a pilot before Q3\./);
  });

  it('changes only the deal stage it was asked to, and creates one task at the rep’s local time', async () => {
    const seeded = await harness.seedTenant();
    const hubspot = harness.emulators.hubspot;
    const company = hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
    const deal = hubspot.addDeal({ name: 'Client Inc pilot', companyId: company, stage: 'qualifiedtobuy', amount: 50000 });
    const { workflowId } = await prepareMeeting(harness, seeded, {}, cardActions.logNote);
    assert.ok(cardButtons(harness.emulators.slack, salesChannel).includes(cardActions.openDeal));
    const rep = { tenantId: seeded.tenant.id, slackUserId: seeded.rep.slackUserId, isAdmin: false };
    // Signed as the API signs the actors it resolves from Slack.
    const actor: Actor = { ...rep, proof: signActor(harness.config.actorProofKey, { workflowId, ...rep }) };
    const handle = harness.client.workflow.getHandle(workflowId);

    const dealUpdate = await handle.executeUpdate(updateDealUpdate, { args: [{ actor, dealId: deal, stageId: 'contractsent' }] });
    assert.equal(dealUpdate.status, 'done');
    const updated = hubspot.deals().find((candidate) => candidate.id === deal)!;
    assert.equal(updated.stage, 'contractsent');
    assert.equal(Number(updated.amount), 50000, 'the amount was not touched');

    const task = await handle.executeUpdate(createTaskUpdate, { args: [{ actor, subject: 'Send the security questionnaire', dueLocalDateTime: '2030-03-05T09:00' }] });
    assert.equal(task.status, 'done');
    await assert.rejects(
      handle.executeUpdate(createTaskUpdate, { args: [{ actor, subject: 'again', dueLocalDateTime: '2030-03-05T09:00' }] }),
      (error: Error & { cause?: Error }) => /already done/.test(error.cause?.message ?? ''),
    );
    assert.equal(hubspot.tasks().length, 1);
    assert.equal(hubspot.tasks()[0]!.dueAt, '2030-03-05T08:00:00.000Z', '09:00 in Europe/Rome is 08:00 UTC in March');
  });
});

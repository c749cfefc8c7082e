import assert from 'node:assert/strict';
import { cardActions } from '../../slack/action-ids';
import { statusQuery } from '../../workflows/messages';
import { cardButtons, cardText } from '../support/card';
import { startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';
import { waitFor } from '../support/wait-for';

describe('one meeting end to end', function () {
  this.timeout(120_000);
  let harness: ProductHarness;
  let seeded: SeededTenant;

  before(async () => {
    harness = await startProductHarness();
    seeded = await harness.seedTenant();
    harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
  });
  after(async () => harness?.close());

  it('turns /followup and one click into exactly one HubSpot note and an updated card', async () => {
    const meeting = harness.addFathomMeeting(seeded);
    const recordingId = String(meeting.recording_id);
    const slack = harness.emulators.slack;

    const command = await harness.slashCommand(seeded, meeting.url);
    assert.equal(command.status, 200);
    assert.match(((await command.json()) as { text: string }).text, /Preparing the follow-up/);

    await waitFor('the card with a Log to CRM button', () => cardButtons(slack, 'C0SALES').includes(cardActions.logNote));
    assert.match(cardText(slack, 'C0SALES'), /Client Inc/);

    const started = Date.now();
    const click = await harness.click(seeded, { actionId: cardActions.logNote, value: recordingId });
    assert.equal(click.status, 200);
    assert.ok(Date.now() - started < 3000, 'Slack got its answer within 3 seconds');

    await waitFor('one note in HubSpot', () => harness.emulators.hubspot.notes().length === 1);
    await waitFor('the card showing the logged note', () => /CRM note: .*Note on Client Inc/.test(cardText(slack, 'C0SALES')));
    const note = harness.emulators.hubspot.notes()[0]!;
    assert.ok(note.companyIds.length === 1, 'the note is associated with the company');
    assert.ok(slack.calls('chat.update').length > 0, 'the card was updated with chat.update');

    const state = await harness.client.workflow.getHandle(harness.workflowId(seeded, recordingId)).query(statusQuery);
    assert.equal(state.actions.note.status, 'done');
    assert.equal(harness.emulators.hubspot.notes().length, 1);
  });
});

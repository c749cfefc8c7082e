import assert from 'node:assert/strict';
import { cardActions } from '../../slack/action-ids';
import { cardText } from '../support/card';
import { submitEditTexts } from '../support/edit-modal';
import { meetingState, prepareMeeting, salesChannel } from '../support/meeting-flow';
import { startProductHarness, type ProductHarness } from '../support/product-harness';
import { waitFor } from '../support/wait-for';

/**
 * The worker keeps what a card shows from Postgres between edits (activities/card-views.ts): every
 * edit must still show the meeting as it is now, whatever changed since the last one.
 */
describe('card edits show the meeting as it is now', function () {
  this.timeout(180_000);
  let harness: ProductHarness;

  beforeEach(async () => {
    harness = await startProductHarness();
  });
  afterEach(async () => harness?.close());

  it('shows the account the rep picked, then the summary they edited, then the note, each on the next edit', async () => {
    const seeded = await harness.seedTenant();
    harness.emulators.hubspot.addCompany({ name: 'Client Inc (US)', domain: 'client.com' });
    const europe = harness.emulators.hubspot.addCompany({ name: 'Client Inc (EU)', domain: 'client.com' });
    const { recordingId, workflowId } = await prepareMeeting(harness, seeded);
    const card = () => cardText(harness.emulators.slack, salesChannel);
    assert.match(card(), /Several CRM accounts match/);

    await harness.click(seeded, { actionId: cardActions.chooseAccount, blockId: `account:${recordingId}`, selected: { value: europe, text: 'Client Inc (EU) (client.com)' } });
    await waitFor('the picked account on the card', () => /Client Inc \(EU\)/.test(card()) && !/Several CRM accounts match/.test(card()));

    const saved = await submitEditTexts(harness, seeded, recordingId, { summary: 'EDITED: Client Inc wants a pilot before Q3.', crmNote: 'Pilot proposal due Friday.' });
    assert.equal(saved.status, 200);
    await waitFor('the edited summary on the card', () => /EDITED: Client Inc wants a pilot before Q3\./.test(card()));

    await harness.click(seeded, { actionId: cardActions.logNote, value: recordingId });
    await waitFor('the note', async () => (await meetingState(harness, workflowId)).actions.note.status === 'done');
    await waitFor('the logged note on the card', () => /Note on Client Inc \(EU\)/.test(card()));
    assert.match(card(), /EDITED: Client Inc wants a pilot before Q3\./, 'the edited summary stays');
    assert.match(card(), /Client Inc \(EU\)/);
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { blockActionsBody } from '../../emulators/slack-request-signer';
import { cardActions, editModalFields, modalCallbacks } from '../../slack/action-ids';
import { cardText } from '../support/card';
import { meetingState, prepareMeeting, salesChannel } from '../support/meeting-flow';
import { startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';
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

  /** The rep saves the edit modal with a new summary, as Slack posts it. */
  function saveSummary(seeded: SeededTenant, recordingId: string, summary: string) {
    const field = (name: keyof typeof editModalFields, value: string) => ({
      [editModalFields[name].block]: { [editModalFields[name].action]: { type: 'plain_text_input', value } },
    });
    const payload = {
      type: 'view_submission',
      team: { id: seeded.teamId },
      user: { id: seeded.rep.slackUserId, team_id: seeded.teamId },
      view: {
        id: `V${randomUUID().slice(0, 8)}`,
        callback_id: modalCallbacks.editTexts,
        private_metadata: recordingId,
        state: {
          values: {
            ...field('summary', summary),
            ...field('emailSubject', 'Next steps for Client Inc'),
            ...field('emailBody', 'Hi John,\n\nThanks for your time today.'),
            ...field('crmNote', 'Pilot proposal due Friday.'),
          },
        },
      },
    };
    return harness.postSigned('/slack/interactions', blockActionsBody(payload));
  }

  it('shows the account the rep picked, then the summary they edited, then the note, each on the next edit', async () => {
    const seeded = await harness.seedTenant();
    harness.emulators.hubspot.addCompany({ name: 'Client Inc (US)', domain: 'client.com' });
    const europe = harness.emulators.hubspot.addCompany({ name: 'Client Inc (EU)', domain: 'client.com' });
    const { recordingId, workflowId } = await prepareMeeting(harness, seeded);
    const card = () => cardText(harness.emulators.slack, salesChannel);
    assert.match(card(), /Several CRM accounts match/);

    await harness.click(seeded, { actionId: cardActions.chooseAccount, blockId: `account:${recordingId}`, selected: { value: europe, text: 'Client Inc (EU) (client.com)' } });
    await waitFor('the picked account on the card', () => /Client Inc \(EU\)/.test(card()) && !/Several CRM accounts match/.test(card()));

    const saved = await saveSummary(seeded, recordingId, 'EDITED: Client Inc wants a pilot before Q3.');
    assert.equal(saved.status, 200);
    await waitFor('the edited summary on the card', () => /EDITED: Client Inc wants a pilot before Q3\./.test(card()));

    await harness.click(seeded, { actionId: cardActions.logNote, value: recordingId });
    await waitFor('the note', async () => (await meetingState(harness, workflowId)).actions.note.status === 'done');
    await waitFor('the logged note on the card', () => /Note on Client Inc \(EU\)/.test(card()));
    assert.match(card(), /EDITED: Client Inc wants a pilot before Q3\./, 'the edited summary stays');
    assert.match(card(), /Client Inc \(EU\)/);
  });
});

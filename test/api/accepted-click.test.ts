import assert from 'node:assert/strict';
import { cardActions } from '../../slack/action-ids';
import { meetingState, prepareMeeting } from '../support/meeting-flow';
import { startProductHarness, type ProductHarness } from '../support/product-harness';
import { waitFor } from '../support/wait-for';

const notesPath = /^\/crm\/v3\/objects\/notes$/;

describe('API: an accepted click', function () {
  this.timeout(120_000);
  let harness: ProductHarness;

  before(async () => {
    harness = await startProductHarness();
  });
  after(async () => harness?.close());

  it('leaves nothing waiting on Temporal for a slow action’s result, and a repeated click still hears it is done', async () => {
    const seeded = await harness.seedTenant();
    harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
    const { recordingId, workflowId } = await prepareMeeting(harness, seeded, {}, cardActions.logNote);

    // Each API process would otherwise long-poll Temporal for every click until its CRM write is done.
    const service = harness.client.workflowService;
    const poll = service.pollWorkflowExecutionUpdate;
    let polls = 0;
    service.pollWorkflowExecutionUpdate = ((...args: Parameters<typeof poll>) => {
      polls += 1;
      return poll.apply(service, args);
    }) as typeof poll;
    try {
      harness.emulators.hubspot.delayNext({ method: 'POST', path: notesPath }, 3000);
      const answer = await harness.click(seeded, { actionId: cardActions.logNote, value: recordingId });
      assert.equal(answer.status, 200);
      await waitFor('the note logged', async () => (await meetingState(harness, workflowId)).actions.note.status === 'done', 60_000);
      assert.equal(polls, 0, 'no poll for the update’s result');

      const repliesBefore = harness.emulators.slack.responseUrlPosts().length;
      await harness.click(seeded, { actionId: cardActions.logNote, value: recordingId });
      await waitFor('the refusal of the repeated click', () => harness.emulators.slack.responseUrlPosts().length > repliesBefore);
      assert.match(JSON.stringify(harness.emulators.slack.responseUrlPosts().at(-1)), /already/i);
      assert.equal(harness.emulators.hubspot.notes().length, 1);
    } finally {
      service.pollWorkflowExecutionUpdate = poll;
    }
  });
});

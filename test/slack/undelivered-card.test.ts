import assert from 'node:assert/strict';
import { cardActions } from '../../slack/action-ids';
import { meetingStatusSearchAttribute } from '../../workflows/messages';
import { cardButtons } from '../support/card';
import { startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';
import { waitFor } from '../support/wait-for';

/** Issue 12: a card Slack will not take is no longer only logged while the rep waits for it. */
describe('a follow-up card Slack does not take', function () {
  this.timeout(180_000);
  let harness: ProductHarness;

  before(async () => {
    harness = await startProductHarness();
    harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
  });
  after(async () => harness?.close());
  afterEach(() => harness.emulators.slack.clearFaults());

  async function followup(seeded: SeededTenant, channelId: string): Promise<string> {
    harness.emulators.slack.addChannel({ id: channelId, teamId: seeded.teamId, name: channelId.toLowerCase(), botIsMember: true, memberIds: [seeded.rep.slackUserId] });
    const meeting = harness.addFathomMeeting(seeded);
    const command = await harness.slashCommand(seeded, meeting.url, { channelId });
    assert.equal(command.status, 200);
    return harness.workflowId(seeded, meeting.recording_id);
  }

  async function meetingStatusAttribute(workflowId: string): Promise<unknown> {
    const description = await harness.client.workflow.getHandle(workflowId).describe();
    return description.typedSearchAttributes.get(meetingStatusSearchAttribute);
  }

  // First: a meeting of a revoked workspace keeps calling chat.postMessage and would take this test's fault.
  it('tells the rep in a DM when Slack refuses the card and the response_url no longer works, and clears the mark once a card gets through', async () => {
    const seeded = await harness.seedTenant();
    const slack = harness.emulators.slack;
    // The card's first post is refused for good (not retryable); the command's response_url has expired.
    slack.injectFault({ method: 'POST', path: /^\/api\/chat\.postMessage$/, times: 1, fault: { status: 200, body: { ok: false, error: 'invalid_blocks' } } });
    slack.injectFault({ method: 'POST', path: /^\/hooks\/response\//, times: 1, fault: { status: 404, body: 'expired_url' } });
    const workflowId = await followup(seeded, 'C0REFUSED');

    const dm = slack.directMessageChannel(seeded.rep.slackUserId);
    const notice = await waitFor('the rep told in a DM', () => slack.messages(dm).find((message) => String(message.text).includes('Slack refused to post the follow-up card')), 60_000);
    assert.match(String(notice.text), /Needs attention/);
    // Slack takes the next state's card: one card, and the meeting leaves "Needs attention".
    await waitFor('the card posted once Slack takes it', () => cardButtons(slack, 'C0REFUSED').includes(cardActions.logNote), 60_000);
    await waitFor('the mark cleared', async () => (await meetingStatusAttribute(workflowId)) === 'awaiting-rep', 60_000);
    assert.equal(slack.messages('C0REFUSED').filter((message) => !message.thread_ts).length, 1);
  });

  it('with the app’s token revoked, tells the rep through the command’s response_url and lists the meeting under Needs attention', async () => {
    const seeded = await harness.seedTenant();
    const slack = harness.emulators.slack;
    const before = slack.responseUrlPosts().length;
    slack.revokeWorkspace(seeded.teamId);
    const workflowId = await followup(seeded, 'C0REVOKED');

    const notice = await waitFor('the rep told through the response_url', () =>
      slack.responseUrlPosts().slice(before).find((post) => String((post.body as { text?: string }).text).includes('no longer accepts this app’s token')),
    60_000);
    const text = String((notice.body as { text: string }).text);
    assert.match(text, /reinstall the app/);
    assert.match(text, /Needs attention/);
    assert.equal((notice.body as { response_type?: string }).response_type, 'ephemeral');
    await waitFor('the meeting marked as needing attention', async () => (await meetingStatusAttribute(workflowId)) === 'needs-attention', 60_000);
    assert.deepEqual(slack.messages('C0REVOKED'), [], 'no card could be posted');
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sampleMeeting, type FathomMeeting } from '../../emulators/fathom-sample-meeting';
import { signFathomWebhook } from '../../emulators/fathom-webhook-signer';
import { cardActions } from '../../slack/action-ids';
import { cardButtons, cardText } from '../support/card';
import { meetingState, salesChannel } from '../support/meeting-flow';
import { startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';
import { waitFor } from '../support/wait-for';

const transcriptPath = /^\/external\/v1\/recordings\/\d+\/transcript$/;

describe('Fathom webhook: a recording reaching the rep without a command', function () {
  this.timeout(120_000);
  let harness: ProductHarness;
  let seeded: SeededTenant;

  // A fresh product per test, so Slack and Fathom emulator counts belong to one scenario.
  beforeEach(async () => {
    harness = await startProductHarness();
    seeded = await harness.seedTenant();
    harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
  });
  afterEach(async () => harness?.close());

  /** Posts a delivery exactly as Fathom would: signed raw JSON on the rep's webhook URL. */
  function deliver(
    meeting: FathomMeeting,
    options: { secret?: string; webhookId?: string; timestamp?: number; body?: string; userId?: string; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const signedBody = JSON.stringify(meeting);
    const signed = signFathomWebhook({
      secret: options.secret ?? seeded.rep.fathomWebhookSecret,
      body: signedBody,
      webhookId: options.webhookId,
      timestamp: options.timestamp,
    });
    return fetch(`${harness.apiUrl}/webhooks/fathom/${options.userId ?? seeded.rep.userId}`, {
      method: 'POST',
      headers: { ...signed.headers, ...options.headers },
      body: options.body ?? signedBody,
    });
  }

  function dmChannel(): string {
    return harness.emulators.slack.directMessageChannel(seeded.rep.slackUserId);
  }

  function cardsPosted(): number {
    return harness.emulators.slack.calls('chat.postMessage').filter((call) => call.blocks !== undefined).length;
  }

  async function workflowExists(recordingId: number): Promise<boolean> {
    try {
      await harness.client.workflow.getHandle(harness.workflowId(seeded, recordingId)).describe();
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'WorkflowNotFoundError') return false;
      throw error;
    }
  }

  it('accepts a signed delivery and puts the card in the rep’s DM, using the transcript it carried', async () => {
    // The meeting is not in the rep's Fathom list at all: everything must come from the webhook.
    const meeting = sampleMeeting({ title: 'Webhook-only discovery call' });

    const response = await deliver(meeting);
    assert.equal(response.status, 200);

    await waitFor('the card in the rep’s DM', () => cardButtons(harness.emulators.slack, dmChannel()).includes(cardActions.logNote));
    assert.match(cardText(harness.emulators.slack, dmChannel()), /Webhook-only discovery call/);
    assert.match(cardText(harness.emulators.slack, dmChannel()), /Client Inc/);
    assert.ok(await workflowExists(meeting.recording_id));
    assert.equal(harness.emulators.fathom.requestsTo('GET', /^\/external\/v1\//).length, 0, 'Fathom was not asked again');
    // Posted to the rep's user id and edited in the DM Slack answered with: a team's burst of
    // meetings spends none of the workspace's ~50 conversations.open a minute.
    assert.equal(harness.emulators.slack.calls('conversations.open').length, 0);
  });

  it('drafts a burst of one workspace’s meetings at the turns booked while loading them: no draft is scheduled only to be sent away', async () => {
    // The workspace's share of Claude is two at once, then one every 2.6 s: the third and fourth wait.
    const meetings = [1, 2, 3, 4].map(() => sampleMeeting());
    for (const response of await Promise.all(meetings.map((meeting) => deliver(meeting)))) assert.equal(response.status, 200);
    const workflowIds = meetings.map((meeting) => harness.workflowId(seeded, meeting.recording_id));
    await waitFor('every card ready', async () => (await Promise.all(workflowIds.map((id) => meetingState(harness, id)))).every((state) => state.status === 'awaiting-rep'), 60_000);

    let waitedForTurn = 0;
    for (const workflowId of workflowIds) {
      const events = (await harness.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
      const drafts = events.filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'draftFollowUp');
      assert.equal(drafts.length, 1, `${workflowId}: the draft was scheduled once, never sent away and scheduled again`);
      const draftAt = events.indexOf(drafts[0]!);
      if (events.slice(0, draftAt).some((event) => event.timerStartedEventAttributes)) waitedForTurn += 1;
    }
    assert.ok(waitedForTurn >= 2, `the meetings past the share waited for their turn on a timer (${waitedForTurn})`);
    assert.equal(harness.emulators.anthropic.requests.length, 4);
  });

  it('loads the transcript from Fathom when the webhook was registered without include_transcript', async () => {
    const meeting = harness.addFathomMeeting(seeded, { title: 'Transcript fetched later' });
    const response = await deliver({ ...meeting, transcript: null });
    assert.equal(response.status, 200);

    await waitFor('the card in the rep’s DM', () => cardButtons(harness.emulators.slack, dmChannel()).includes(cardActions.logNote));
    assert.match(cardText(harness.emulators.slack, dmChannel()), /Transcript fetched later/);
    assert.ok(
      harness.emulators.fathom.requestsTo('GET', transcriptPath).some((request) => request.path.includes(String(meeting.recording_id))),
      'the transcript came from Fathom',
    );
  });

  it('refuses tampered, wrongly signed, stale, future, unsigned and misaddressed deliveries, and starts nothing', async () => {
    const meeting = sampleMeeting();
    const nowSeconds = Math.floor(Date.now() / 1000);
    const tampered = JSON.stringify({ ...meeting, title: 'Injected title' });
    const otherSecret = `whsec_${Buffer.from(randomUUID()).toString('base64')}`;
    const refused = [
      ['tampered body', await deliver(meeting, { body: tampered })],
      ['wrong secret', await deliver(meeting, { secret: otherSecret })],
      ['stale timestamp', await deliver(meeting, { timestamp: nowSeconds - 10 * 60 })],
      ['future timestamp', await deliver(meeting, { timestamp: nowSeconds + 10 * 60 })],
      ['no signature', await deliver(meeting, { headers: { 'webhook-signature': '' } })],
      ['another rep’s URL', await deliver(meeting, { userId: randomUUID() })],
      ['not a user id', await deliver(meeting, { userId: 'not-a-uuid' })],
    ] as const;
    for (const [what, response] of refused) assert.equal(response.status, 401, what);

    assert.equal(await workflowExists(meeting.recording_id), false);
    assert.equal(cardsPosted(), 0);
  });

  it('handles a redelivered webhook-id once', async () => {
    const meeting = sampleMeeting();
    const webhookId = `msg_${randomUUID()}`;
    const first = await deliver(meeting, { webhookId });
    const again = await deliver(meeting, { webhookId });
    assert.equal(first.status, 200);
    assert.equal(again.status, 200);
    assert.deepEqual(await again.json(), { ok: true, duplicate: true });

    // The id alone decides: even a different meeting under an already-seen id starts nothing.
    const other = sampleMeeting();
    const reused = await deliver(other, { webhookId });
    assert.equal(reused.status, 200);

    await waitFor('the card in the rep’s DM', () => cardButtons(harness.emulators.slack, dmChannel()).includes(cardActions.logNote));
    assert.ok(await workflowExists(meeting.recording_id));
    assert.equal(await workflowExists(other.recording_id), false);
    assert.equal(cardsPosted(), 1);
  });

  it('joins the workflow a webhook started when the rep also runs /followup: one workflow, one card', async () => {
    const meeting = harness.addFathomMeeting(seeded);
    assert.equal((await deliver(meeting)).status, 200);
    await waitFor('the card in the rep’s DM', () => cardButtons(harness.emulators.slack, dmChannel()).includes(cardActions.logNote));

    const runBefore = await currentRun(meeting.recording_id);

    const command = await harness.slashCommand(seeded, meeting.url, { channelId: salesChannel });
    assert.equal(command.status, 200);
    assert.deepEqual(await currentRun(meeting.recording_id), runBefore, 'the same run of the same workflow');
    assert.equal(cardsPosted(), 1);
    assert.equal(harness.emulators.slack.messages(salesChannel).length, 0, 'no second card in the channel');
  });

  it('joins the workflow /followup started when Fathom’s webhook arrives afterwards: one workflow, one card', async () => {
    const meeting = harness.addFathomMeeting(seeded);
    const command = await harness.slashCommand(seeded, meeting.url, { channelId: salesChannel });
    assert.equal(command.status, 200);
    await waitFor('the card in the channel', () => cardButtons(harness.emulators.slack, salesChannel).includes(cardActions.logNote));
    const runBefore = await currentRun(meeting.recording_id);

    const response = await deliver(meeting);
    assert.equal(response.status, 200);
    assert.deepEqual(await currentRun(meeting.recording_id), runBefore, 'the same run of the same workflow');
    assert.equal(cardsPosted(), 1);
    assert.equal(harness.emulators.slack.messages(dmChannel()).length, 0, 'no second card in the DM');
  });

  /** The recording's workflow and its current run: a second start would show up as another run. */
  async function currentRun(recordingId: number): Promise<{ workflowId: string; runId: string; status: string }> {
    const description = await harness.client.workflow.getHandle(harness.workflowId(seeded, recordingId)).describe();
    return { workflowId: description.workflowId, runId: description.runId, status: description.status.name };
  }
});

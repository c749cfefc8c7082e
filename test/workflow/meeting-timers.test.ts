import assert from 'node:assert/strict';
import { meetingFollowUp } from '../../workflows';
import { coreActionKinds } from '../../domain/meeting';
import { cardText } from '../support/card';
import { recordHistory } from '../support/history-recorder';
import { salesChannel } from '../support/meeting-flow';
import { startProductHarness, type ProductHarness } from '../support/product-harness';
import { waitFor } from '../support/wait-for';

describe('meeting workflow: nudge and expiry', function () {
  this.timeout(90_000);
  let harness: ProductHarness;

  before(async () => {
    harness = await startProductHarness();
  });
  after(async () => harness?.close());

  it('nudges the rep once when nothing happens, then expires and says so on the card', async () => {
    const seeded = await harness.seedTenant();
    harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
    const meeting = harness.addFathomMeeting(seeded);
    const recordingId = String(meeting.recording_id);
    const handle = await harness.client.workflow.start(meetingFollowUp, {
      taskQueue: harness.taskQueue,
      workflowId: harness.workflowId(seeded, recordingId),
      args: [
        {
          tenantId: seeded.tenant.id,
          recordingId,
          repSlackUserId: seeded.rep.slackUserId,
          channelId: salesChannel,
          trigger: 'operator',
          nudgeAfterMs: 3_000,
          expireAfterMs: 8_000,
          autoLogWhenConfident: false,
          offeredActions: [...coreActionKinds],
        },
      ],
    });
    const nudges = () => harness.emulators.slack.messages(salesChannel).filter((message) => message.thread_ts && /still waiting/.test(message.text ?? ''));
    await waitFor('the nudge in the card thread', () => nudges().length === 1, 20_000);
    const result = await handle.result();
    assert.equal(result.status, 'expired');
    assert.equal(nudges().length, 1, 'only one nudge');
    await waitFor('the expired card', () => /Expired/.test(cardText(harness.emulators.slack, salesChannel)));
    await recordHistory('nudged-then-expired', handle);
  });
});

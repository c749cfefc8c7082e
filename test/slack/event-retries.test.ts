import assert from 'node:assert/strict';
import { startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';
import { homeOpened, postSlackEvent } from '../support/slack-events';
import { waitFor } from '../support/wait-for';

describe('Slack event redeliveries', function () {
  this.timeout(60_000);
  let harness: ProductHarness;
  let seeded: SeededTenant;

  before(async () => {
    harness = await startProductHarness({ startWorker: false });
    seeded = await harness.seedTenant();
  });
  after(async () => harness?.close());

  const homePublishes = () => harness.emulators.slack.homeViews(seeded.rep.slackUserId).length;

  it('does the work of an event once, however often Slack delivers it', async () => {
    const eventId = 'Ev0SAMEEVENT01';
    const event = homeOpened(seeded.rep.slackUserId);
    assert.equal((await postSlackEvent(harness, seeded.teamId, event, { eventId })).status, 200);
    await waitFor('the Home tab published', () => homePublishes() === 1);

    const retried = await postSlackEvent(harness, seeded.teamId, event, { eventId, retryNum: 1 });
    assert.equal(retried.status, 200, 'a retry (X-Slack-Retry-Num) is acknowledged');
    const lastRetry = await postSlackEvent(harness, seeded.teamId, event, { eventId, retryNum: 3 });
    assert.equal(lastRetry.status, 200);

    // A fresh event afterwards is handled: by the time its Home tab is out, any duplicate work would be too.
    await postSlackEvent(harness, seeded.teamId, event);
    await waitFor('the fresh event’s Home tab', () => homePublishes() === 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(homePublishes(), 2, 'the redelivered event did no work');
  });

  it('handles a retry whose first delivery never reached us (first time this event_id is seen)', async () => {
    const before = homePublishes();
    const response = await postSlackEvent(harness, seeded.teamId, homeOpened(seeded.rep.slackUserId), { eventId: 'Ev0LOSTFIRST01', retryNum: 1 });
    assert.equal(response.status, 200);
    await waitFor('the Home tab of the retried event', () => homePublishes() === before + 1);
  });

  it('answers the URL check, and acknowledges events of a workspace that is not installed', async () => {
    const challenge = await harness.postSigned('/slack/events', JSON.stringify({ type: 'url_verification', token: 't', challenge: 'abc123' }));
    assert.equal(challenge.status, 200);
    assert.deepEqual(await challenge.json(), { challenge: 'abc123' });
    const unknown = await postSlackEvent(harness, 'T0NOTINSTALLED', homeOpened('U0STRANGER'));
    assert.equal(unknown.status, 200, 'no 403: Slack would keep retrying and could disable the subscription');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(harness.emulators.slack.homeViews('U0STRANGER').length, 0);
  });
});

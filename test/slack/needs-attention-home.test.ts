import assert from 'node:assert/strict';
import { inTenant } from '../../db/tenant-scope';
import { User } from '../../entities';
import { cardActions } from '../../slack/action-ids';
import { meetingState, prepareMeeting } from '../support/meeting-flow';
import { startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';
import { homeOpened, postSlackEvent } from '../support/slack-events';
import { waitFor } from '../support/wait-for';

describe('App Home for admins: what needs attention, and connection health from the last real call', function () {
  this.timeout(180_000);
  let harness: ProductHarness;
  let seeded: SeededTenant;

  beforeEach(async () => {
    harness = await startProductHarness();
    harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
    seeded = await harness.seedTenant();
  });
  afterEach(async () => harness?.close());

  async function openHome(userId: string): Promise<string> {
    const slack = harness.emulators.slack;
    const before = slack.homeViews(userId).length;
    assert.equal((await postSlackEvent(harness, seeded.teamId, homeOpened(userId))).status, 200);
    const views = await waitFor('the Home tab', () => (slack.homeViews(userId).length > before ? slack.homeViews(userId) : null));
    return JSON.stringify(views.at(-1)!.blocks);
  }

  const makeRepAdmin = () =>
    inTenant(harness.orm, seeded.tenant.id, async (em) => {
      (await em.findOneOrFail(User, { slackUserId: seeded.rep.slackUserId })).role = 'admin';
    });

  it('lists the failed meeting with Retry and an operator link, shows HubSpot red after its 401, and Retry from Home logs the note', async () => {
    const { recordingId, workflowId } = await prepareMeeting(harness, seeded, {}, cardActions.logNote);
    harness.emulators.hubspot.revokeRefreshToken();
    harness.emulators.hubspot.expireAccessTokens();
    await harness.click(seeded, { actionId: cardActions.logNote, value: recordingId });
    await waitFor('the failed note', async () => (await meetingState(harness, workflowId)).actions.note.status === 'failed', 60_000);

    const repHome = await openHome(seeded.rep.slackUserId);
    assert.doesNotMatch(repHome, /\*Needs attention\* \(admins only\)/, 'a rep who is no admin sees no workspace-wide list');
    assert.match(repHome, /\*HubSpot\* \(default CRM\): ⚠️ needs reconnecting/, 'the 401 of the last call shows, not just a stored secret');

    await makeRepAdmin();
    const home = await waitFor('the failed meeting listed', async () => {
      const blocks = await openHome(seeded.rep.slackUserId);
      return blocks.includes('CRM sync failed') ? blocks : null;
    });
    assert.match(home, /\*Needs attention\* \(admins only\)/);
    assert.match(home, /Acme × Client Inc — discovery call/);
    assert.ok(home.includes(`"action_id":"${cardActions.retry}","value":"${recordingId}"`), 'the meeting has the card’s Retry');
    assert.ok(home.includes(`/namespaces/default/workflows/${encodeURIComponent(workflowId)}|`), 'operators get a link to its history in the Web UI');

    await harness.reconnectHubSpot(seeded);
    await harness.click(seeded, { actionId: cardActions.retry, value: recordingId });
    await waitFor('the retried note', async () => (await meetingState(harness, workflowId)).actions.note.status === 'done', 60_000);
    assert.equal(harness.emulators.hubspot.notes().length, 1);
    // Visibility follows the workflow's search attributes a moment later.
    const after = await waitFor('the list emptied', async () => {
      const blocks = await openHome(seeded.rep.slackUserId);
      return blocks.includes('Nothing is stuck') ? blocks : null;
    });
    assert.match(after, /\*HubSpot\* \(default CRM\): ✅ connected/, 'a successful call turns it green again');
  });

  it('shows Google as needing a reconnect once Google refuses the rep’s grant, though its tokens are still stored', async () => {
    const { recordingId, workflowId } = await prepareMeeting(harness, seeded, {}, cardActions.createDraft);
    assert.match(await openHome(seeded.rep.slackUserId), /\*Google \(Gmail & Calendar\)\*: ✅ connected/);
    harness.emulators.google.revokeUser(seeded.rep.email);
    harness.emulators.google.expireAccessTokens();
    await harness.click(seeded, { actionId: cardActions.createDraft, value: recordingId });
    await waitFor('the failed draft', async () => (await meetingState(harness, workflowId)).actions.draft.status === 'failed', 60_000);

    const home = await openHome(seeded.rep.slackUserId);
    assert.match(home, /\*Google \(Gmail & Calendar\)\*: ⚠️ needs reconnecting: /);
  });
});

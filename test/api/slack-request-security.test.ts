import assert from 'node:assert/strict';
import { WorkflowNotFoundError } from '@temporalio/client';
import { blockActionsBody, signSlackRequest, slashCommandBody } from '../../emulators/slack-request-signer';
import { cardActions } from '../../slack/action-ids';
import { signingSecret, startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';

describe('Slack request security', function () {
  this.timeout(60_000);
  let harness: ProductHarness;
  let seeded: SeededTenant;
  const recordingId = '424242';

  before(async () => {
    harness = await startProductHarness();
    seeded = await harness.seedTenant();
  });
  after(async () => harness?.close());

  const commandBody = (teamId = seeded.teamId) =>
    slashCommandBody({ command: '/followup', text: recordingId, team_id: teamId, user_id: seeded.rep.slackUserId, channel_id: 'C1', trigger_id: 't' });

  async function assertNoWorkflowStarted(): Promise<void> {
    await assert.rejects(harness.client.workflow.getHandle(harness.workflowId(seeded, recordingId)).describe(), WorkflowNotFoundError);
  }

  it('refuses a bad signature with 401 and starts nothing', async () => {
    const response = await harness.postSigned('/slack/commands', commandBody(), { secret: 'not-the-signing-secret' });
    assert.equal(response.status, 401);
    await assertNoWorkflowStarted();
  });

  it('refuses a missing signature with 401', async () => {
    const response = await fetch(`${harness.apiUrl}/slack/commands`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: commandBody(),
    });
    assert.equal(response.status, 401);
  });

  it('refuses stale and future timestamps with 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    assert.equal((await harness.postSigned('/slack/commands', commandBody(), { timestamp: now - 360 })).status, 401);
    assert.equal((await harness.postSigned('/slack/commands', commandBody(), { timestamp: now + 360 })).status, 401);
    await assertNoWorkflowStarted();
  });

  it('refuses a body changed after signing', async () => {
    const signedBody = commandBody();
    const { headers } = signSlackRequest({ signingSecret, body: signedBody });
    const tampered = await fetch(`${harness.apiUrl}/slack/commands`, {
      method: 'POST',
      headers,
      body: signedBody.replace(recordingId, '999999'),
    });
    assert.equal(tampered.status, 401);
  });

  it('refuses a replayed request (same signed body sent again) with 409', async () => {
    const body = slashCommandBody({ command: '/followup', text: 'help', team_id: seeded.teamId, user_id: seeded.rep.slackUserId, channel_id: 'C1', trigger_id: 't' });
    const { headers } = signSlackRequest({ signingSecret, body });
    const send = () => fetch(`${harness.apiUrl}/slack/commands`, { method: 'POST', headers, body });
    assert.equal((await send()).status, 200);
    assert.equal((await send()).status, 409);
  });

  it('refuses a replay dressed as a Slack retry (X-Slack-Retry-Num is not signed) with 409', async () => {
    const body = slashCommandBody({ command: '/followup', text: 'help', team_id: seeded.teamId, user_id: seeded.rep.slackUserId, channel_id: 'C1', trigger_id: 't2' });
    const { headers } = signSlackRequest({ signingSecret, body });
    const send = (retryNum?: string) =>
      fetch(`${harness.apiUrl}/slack/commands`, { method: 'POST', headers: retryNum === undefined ? headers : { ...headers, 'x-slack-retry-num': retryNum }, body });
    assert.equal((await send()).status, 200);
    assert.equal((await send('1')).status, 409);
    assert.equal((await send('not-a-number')).status, 409);
  });

  it('refuses an unknown workspace with 403 and starts nothing', async () => {
    const response = await harness.postSigned('/slack/commands', commandBody('TUNKNOWN'));
    assert.equal(response.status, 403);
  });

  it('refuses an interaction whose team differs from its user’s team', async () => {
    const payload = {
      type: 'block_actions',
      team: { id: seeded.teamId },
      user: { id: seeded.rep.slackUserId, team_id: 'TOTHER' },
      actions: [{ action_id: cardActions.logNote, value: recordingId }],
    };
    const response = await harness.postSigned('/slack/interactions', blockActionsBody(payload));
    assert.equal(response.status, 403);
  });

  it('acknowledges a click or a modal submission that no handler knows, and logs its id once', async () => {
    const interaction = (payload: Record<string, unknown>) =>
      harness.postSigned(
        '/slack/interactions',
        blockActionsBody({ team: { id: seeded.teamId }, user: { id: seeded.rep.slackUserId, team_id: seeded.teamId }, ...payload }),
      );
    const click = await interaction({ type: 'block_actions', actions: [{ action_id: 'retired.button', value: recordingId }] });
    assert.equal(click.status, 200);
    assert.equal(await click.text(), '');
    const submission = await interaction({ type: 'view_submission', view: { id: 'V1', callback_id: 'retired.modal', state: { values: {} } } });
    assert.equal(submission.status, 200);
    assert.equal(await submission.text(), '');
    const optionsLoad = await interaction({ type: 'block_suggestion', action_id: 'retired.select', block_id: `account:${recordingId}`, value: 'acme' });
    assert.equal(optionsLoad.status, 200);
    assert.deepEqual(await optionsLoad.json(), { options: [] });

    for (const id of ['retired.button', 'retired.modal', 'retired.select']) {
      const logged = harness.logs.filter((line) => line.includes(`"id":"${id}"`));
      assert.equal(logged.length, 1, `${id} is logged once`);
      assert.ok(!logged[0]!.includes(seeded.rep.slackUserId), 'the user is not logged');
    }
    await assertNoWorkflowStarted();
  });

  it('answers malformed payloads with 400 and oversized bodies with 413', async () => {
    const malformed = await harness.postSigned('/slack/interactions', 'payload=%7Bnot-json');
    assert.equal(malformed.status, 400);
    const huge = `payload=${'x'.repeat(1024 * 1024)}`;
    const oversized = await harness.postSigned('/slack/interactions', huge);
    assert.equal(oversized.status, 413);
  });
});

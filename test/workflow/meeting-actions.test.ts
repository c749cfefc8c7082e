import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { inTenant } from '../../db/tenant-scope';
import { AccountMapping } from '../../entities';
import { cardActions } from '../../slack/action-ids';
import { crmSyncStatusSearchAttribute, meetingStatusSearchAttribute } from '../../workflows/messages';
import { cardButtons, cardMessage, cardText } from '../support/card';
import { recordHistory } from '../support/history-recorder';
import { meetingState, prepareMeeting, salesChannel } from '../support/meeting-flow';
import { operatorToken, startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';
import { testStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

const notesPath = /^\/crm\/v3\/objects\/notes$/;
const companyNotesPath = /^\/crm\/v4\/objects\/companies\/[^/]+\/associations\/notes$/;

describe('meeting workflow: actions from Slack', function () {
  this.timeout(120_000);
  let harness: ProductHarness;

  beforeEach(async () => {
    harness = await startProductHarness();
  });
  afterEach(async () => harness?.close());

  /** The value of the card's button `actionId`, as Slack would send it back on a click. */
  function cardButtonValue(actionId: string): string {
    const found = JSON.stringify(cardMessage(harness.emulators.slack, salesChannel)?.blocks ?? []).match(
      new RegExp(`"action_id":"${actionId.replace('.', '\\.')}","value":"([^"]+)"`),
    );
    assert.ok(found, `the card has a ${actionId} button`);
    return found[1]!;
  }

  /** Revokes the workspace's HubSpot access, so the next CRM call fails with 401 and needs a reconnect. */
  function revokeHubSpot(): void {
    harness.emulators.hubspot.revokeRefreshToken();
    harness.emulators.hubspot.expireAccessTokens();
  }

  async function seedWithClient(): Promise<SeededTenant> {
    const seeded = await harness.seedTenant();
    harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
    return seeded;
  }

  it('runs note, draft and event once each, whatever the double-clicks and Slack retries', async () => {
    const seeded = await seedWithClient();
    const { recordingId, workflowId } = await prepareMeeting(harness, seeded, {}, cardActions.logNote);

    const clicks = await Promise.all([
      harness.click(seeded, { actionId: cardActions.logNote, value: recordingId }),
      harness.click(seeded, { actionId: cardActions.logNote, value: recordingId }),
    ]);
    assert.deepEqual(clicks.map((click) => click.status), [200, 200]);
    await harness.click(seeded, { actionId: cardActions.createDraft, value: recordingId });
    await harness.click(seeded, { actionId: cardActions.scheduleEvent, value: recordingId });
    await harness.click(seeded, { actionId: cardActions.createDraft, value: recordingId });
    await waitFor('the Send invitations button', () => cardButtons(harness.emulators.slack, salesChannel).includes(cardActions.sendInvitations));
    const event = harness.emulators.google.events()[0]!;
    assert.deepEqual(harness.emulators.google.invitationsSent(String(event.id)), [], 'no invitation is sent before the rep confirms');
    await harness.click(seeded, { actionId: cardActions.sendInvitations, value: recordingId });

    const result = await harness.client.workflow.getHandle(workflowId).result();
    assert.equal(result.status, 'completed');
    assert.equal(harness.emulators.hubspot.notes().length, 1);
    assert.equal(harness.emulators.hubspot.requestsTo('GET', companyNotesPath).length, 0, 'a first note is written without reading the account’s notes');
    assert.equal(harness.emulators.google.drafts().length, 1);
    assert.equal(harness.emulators.google.events().length, 1);
    assert.ok(harness.emulators.google.invitationsSent(String(event.id)).length > 0, 'the confirmed event invited the attendees');
    const draft = harness.emulators.google.drafts()[0]!;
    assert.match(JSON.stringify(draft), /john\.smith@client\.com/);
    const prompt = JSON.stringify(harness.emulators.anthropic.messageRequests()[0]?.messages);
    assert.match(prompt, /Rep \(the email is from them\): Alice Johnson, /, 'the draft is signed with the rep’s name from Slack, not their email');
    await waitFor('the completed card', () => /All done for this meeting/.test(cardText(harness.emulators.slack, salesChannel)));
    assert.ok(harness.emulators.slack.ephemeralMessages().length + harness.emulators.slack.responseUrlPosts().length >= 1, 'the double-click was answered');
    await recordHistory('note-draft-event-completed', harness.client.workflow.getHandle(workflowId));
  });

  it('logs exactly one note through 500, 500 and 429 (Retry-After 1) before HubSpot accepts it', async () => {
    const seeded = await seedWithClient();
    const { recordingId, workflowId } = await prepareMeeting(harness, seeded, {}, cardActions.logNote);
    harness.emulators.hubspot.injectFaultSequence({ method: 'POST', path: notesPath }, [
      { status: 500, body: { status: 'error', message: 'internal', correlationId: 'c1', category: 'INTERNAL_ERROR' } },
      { status: 500, body: { status: 'error', message: 'internal', correlationId: 'c2', category: 'INTERNAL_ERROR' } },
      {
        status: 429,
        headers: { 'retry-after': '1' },
        body: { status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT', correlationId: 'c3', policyName: 'TEN_SECONDLY_ROLLING' },
      },
    ]);
    await harness.click(seeded, { actionId: cardActions.logNote, value: recordingId });
    await waitFor('the note to be logged', async () => (await meetingState(harness, workflowId)).actions.note.status === 'done', 60_000);
    assert.equal(harness.emulators.hubspot.notes().length, 1);
    assert.equal(harness.emulators.hubspot.requestsTo('POST', notesPath).length, 4);
  });

  it('finds the note an attempt wrote when HubSpot’s answer was lost, instead of writing a second one', async () => {
    const seeded = await seedWithClient();
    const { recordingId, workflowId } = await prepareMeeting(harness, seeded, {}, cardActions.logNote);
    harness.emulators.hubspot.injectFault({ method: 'POST', path: notesPath, times: 1, fault: { status: 0, loseAnswer: true } });
    await harness.click(seeded, { actionId: cardActions.logNote, value: recordingId });
    await waitFor('the note to be logged', async () => (await meetingState(harness, workflowId)).actions.note.status === 'done', 60_000);
    assert.equal(harness.emulators.hubspot.notes().length, 1);
    assert.equal(harness.emulators.hubspot.requestsTo('POST', notesPath).length, 1, 'the retry found the note instead of creating it again');
    assert.ok(harness.emulators.hubspot.requestsTo('GET', companyNotesPath).length >= 1, 'the retry looked the note up by its key');
  });

  it('shows a failed note with Retry, and an operator retry with the temporal CLI logs it once', async () => {
    const seeded = await seedWithClient();
    const { recordingId, workflowId } = await prepareMeeting(harness, seeded, {}, cardActions.logNote);
    harness.emulators.hubspot.revokeRefreshToken();
    harness.emulators.hubspot.expireAccessTokens();

    await harness.click(seeded, { actionId: cardActions.logNote, value: recordingId });
    await waitFor('the failed note on the card', () => /CRM note failed: .*Reconnect HubSpot/.test(cardText(harness.emulators.slack, salesChannel)));
    assert.match(cardText(harness.emulators.slack, salesChannel), new RegExp(cardActions.retry.replace('.', '\\.')));
    // The card may show the failure a moment before the search attributes do: the admins' report runs between them.
    const handle = harness.client.workflow.getHandle(workflowId);
    await waitFor('the meeting filed as a failed CRM sync', async () => (await handle.describe()).typedSearchAttributes.get(crmSyncStatusSearchAttribute) === 'failed', 30_000);
    assert.equal((await handle.describe()).typedSearchAttributes.get(meetingStatusSearchAttribute), 'needs-attention');
    assert.equal(harness.emulators.hubspot.notes().length, 0);

    await harness.reconnectHubSpot(seeded);
    const stack = testStack();
    await promisify(execFile)(stack.temporalCliPath, [
      'workflow', 'signal', '--address', stack.temporalAddress, '--namespace', 'default',
      '--workflow-id', workflowId, '--name', 'retry', '--input', '{"by":"operator"}',
      // Through the codec server, as an operator must: the worker refuses unencrypted input.
      '--codec-endpoint', `${harness.operatorUrl}/codec`, '--codec-auth', `Bearer ${operatorToken}`,
    ]);
    await waitFor('the retried note', async () => (await meetingState(harness, workflowId)).actions.note.status === 'done', 30_000);
    assert.equal(harness.emulators.hubspot.notes().length, 1);
    const after = await harness.client.workflow.getHandle(workflowId).describe();
    assert.equal(after.typedSearchAttributes.get(crmSyncStatusSearchAttribute), 'synced');
    await recordHistory('note-failed-then-operator-retry', harness.client.workflow.getHandle(workflowId));
  });

  it('logs a failed note once when the rep clicks Retry on the card, and the card shows it', async () => {
    const seeded = await seedWithClient();
    const { recordingId, workflowId } = await prepareMeeting(harness, seeded, {}, cardActions.logNote);
    revokeHubSpot();
    await harness.click(seeded, { actionId: cardActions.logNote, value: recordingId });
    await waitFor('the failed note on the card', () => /CRM note failed: .*Reconnect HubSpot/.test(cardText(harness.emulators.slack, salesChannel)));
    const failureLines = harness.logs.filter((line) => line.includes(workflowId) && line.includes('"level":"warn"'));
    assert.equal(failureLines.length, 1, 'the expected failure (HubSpot 401) is one WARN line');
    assert.match(failureLines[0]!, /"msg":"Activity failed".*"activity":"logCrmNote"/);
    assert.doesNotMatch(failureLines[0]!, /taskToken/i);

    await harness.reconnectHubSpot(seeded);
    await harness.click(seeded, { actionId: cardActions.retry, value: cardButtonValue(cardActions.retry) });
    await waitFor('the retried note', async () => (await meetingState(harness, workflowId)).actions.note.status === 'done', 30_000);
    assert.equal(harness.emulators.hubspot.notes().length, 1);
    await waitFor('the card to show the logged note', () => /CRM note: /.test(cardText(harness.emulators.slack, salesChannel)));
    assert.ok(!cardText(harness.emulators.slack, salesChannel).includes('CRM note failed'), 'the failure is gone from the card');
    assert.ok(!cardButtons(harness.emulators.slack, salesChannel).includes(cardActions.retry) && !cardText(harness.emulators.slack, salesChannel).includes(`"${cardActions.retry}"`));
  });

  it('retries every failed CRM sync of a workspace with one `temporal workflow signal --query` through the codec server', async () => {
    const seeded = await seedWithClient();
    const first = await prepareMeeting(harness, seeded, {}, cardActions.logNote);
    const second = harness.addFathomMeeting(seeded);
    await harness.slashCommand(seeded, second.url, { channelId: salesChannel });
    const secondWorkflowId = harness.workflowId(seeded, second.recording_id);
    await waitFor('the second card', async () => (await meetingState(harness, secondWorkflowId)).status === 'awaiting-rep', 60_000);
    revokeHubSpot();
    await harness.click(seeded, { actionId: cardActions.logNote, value: first.recordingId });
    await harness.click(seeded, { actionId: cardActions.logNote, value: String(second.recording_id) });
    const failedQuery = `TenantId="${seeded.tenant.id}" AND CrmSyncStatus="failed" AND ExecutionStatus="Running"`;
    const failedIds = async () => {
      const ids: string[] = [];
      for await (const workflow of harness.client.workflow.list({ query: failedQuery })) ids.push(workflow.workflowId);
      return ids.sort();
    };
    await waitFor('both meetings listed as failed', async () => (await failedIds()).length === 2, 30_000);
    assert.deepEqual(await failedIds(), [first.workflowId, secondWorkflowId].sort());

    await harness.reconnectHubSpot(seeded);
    const stack = testStack();
    await promisify(execFile)(stack.temporalCliPath, [
      'workflow', 'signal', '--address', stack.temporalAddress, '--namespace', 'default',
      '--query', failedQuery, '--name', 'retry', '--input', '{"by":"operator"}', '--reason', 'CRM outage over', '--yes',
      '--codec-endpoint', `${harness.operatorUrl}/codec`, '--codec-auth', `Bearer ${operatorToken}`,
    ]);
    for (const workflowId of [first.workflowId, secondWorkflowId]) {
      await waitFor(`the retried note of ${workflowId}`, async () => (await meetingState(harness, workflowId)).actions.note.status === 'done', 60_000);
    }
    assert.equal(harness.emulators.hubspot.notes().length, 2, 'one note per meeting');
  });

  it('asks the rep to pick between accounts sharing a domain, uses the pick and remembers it', async () => {
    const seeded = await harness.seedTenant();
    const hubspot = harness.emulators.hubspot;
    hubspot.addCompany({ name: 'Client Inc (US)', domain: 'client.com' });
    const europe = hubspot.addCompany({ name: 'Client Inc (EU)', domain: 'client.com' });
    const { recordingId, workflowId } = await prepareMeeting(harness, seeded);
    assert.match(cardText(harness.emulators.slack, salesChannel), /Several CRM accounts match/);
    assert.ok(!cardButtons(harness.emulators.slack, salesChannel).includes(cardActions.logNote), 'no note before the account is known');

    await harness.click(seeded, {
      actionId: cardActions.chooseAccount,
      blockId: `account:${recordingId}`,
      selected: { value: europe, text: 'Client Inc (EU) (client.com)' },
    });
    await waitFor('the Log to CRM button', () => cardButtons(harness.emulators.slack, salesChannel).includes(cardActions.logNote));
    await harness.click(seeded, { actionId: cardActions.logNote, value: recordingId });
    await waitFor('the note', async () => (await meetingState(harness, workflowId)).actions.note.status === 'done');
    assert.deepEqual(hubspot.notes()[0]!.companyIds, [europe]);

    const mapping = await inTenant(harness.orm, seeded.tenant.id, (em) => em.findOne(AccountMapping, { domain: 'client.com' }));
    assert.equal(mapping?.accountId, europe);
    assert.equal(mapping?.source, 'rep-choice');
    await recordHistory('ambiguous-account-chosen-by-rep', harness.client.workflow.getHandle(workflowId));

    // The next meeting with client.com is matched to the remembered account without asking (a rep's mapping: never auto-logged).
    const next = harness.addFathomMeeting(seeded);
    await harness.slashCommand(seeded, next.url, { channelId: salesChannel });
    const nextState = await waitFor('the next meeting’s account', async () => {
      const state = await meetingState(harness, harness.workflowId(seeded, next.recording_id));
      return state.account ? state : undefined;
    });
    assert.equal(nextState.account?.verdict, 'matched');
    assert.deepEqual({ id: nextState.account?.chosen?.id, source: nextState.account?.chosen?.source }, { id: europe, source: 'rep-mapping' });
  });

  it('lets neither another rep nor another workspace act on the meeting', async () => {
    const seeded = await seedWithClient();
    const other = await harness.seedTenant();
    const { recordingId, workflowId } = await prepareMeeting(harness, seeded, {}, cardActions.logNote);

    await harness.click(seeded, { actionId: cardActions.logNote, value: recordingId }, { userId: 'UANOTHERREP' });
    await harness.click(other, { actionId: cardActions.logNote, value: recordingId });
    await waitFor('both refusals', () => harness.emulators.slack.responseUrlPosts().length >= 2);
    const refusals = harness.emulators.slack.responseUrlPosts().map((post) => JSON.stringify(post));
    assert.ok(refusals.some((text) => /Only the rep who recorded this meeting/.test(text)));
    assert.ok(refusals.some((text) => /closed or no longer exists/.test(text)));
    assert.equal((await meetingState(harness, workflowId)).actions.note.status, 'idle');
    assert.equal(harness.emulators.hubspot.notes().length, 0);
  });
});

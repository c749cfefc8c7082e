import assert from 'node:assert/strict';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { sendBlockSuggestion, type BlockSuggestion } from '../../emulators/slack-options-load';
import { blockActionsBody } from '../../emulators/slack-request-signer';
import { cardActions, taskModal } from '../../slack/action-ids';
import { searchAccountsUpdate } from '../../workflows/messages';
import { cardMessage, cardText } from '../support/card';
import { meetingState, prepareMeeting, salesChannel, updatesFinished } from '../support/meeting-flow';
import { signingSecret, startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';
import { waitFor } from '../support/wait-for';

describe('Slack: searching the CRM from the card and the task form', function () {
  this.timeout(120_000);
  let harness: ProductHarness;

  beforeEach(async () => {
    harness = await startProductHarness();
  });
  afterEach(async () => harness?.close());


  /** A meeting whose attendees' company is not in the CRM: the card asks the rep to search. */
  async function unmatchedMeeting(seeded: SeededTenant): Promise<{ recordingId: string; workflowId: string }> {
    const meeting = await prepareMeeting(harness, seeded);
    await waitFor('the no-match card', () => cardText(harness.emulators.slack, salesChannel).includes('No CRM account matched'));
    return meeting;
  }

  function typeInAccountSearch(seeded: SeededTenant, recordingId: string, value: string, user: { teamId: string; userId: string } = { teamId: seeded.teamId, userId: seeded.rep.slackUserId }) {
    const suggestion: BlockSuggestion = {
      ...user,
      actionId: cardActions.searchAccount,
      blockId: `account:${recordingId}`,
      value,
      message: { channelId: salesChannel, ts: cardMessage(harness.emulators.slack, salesChannel)!.ts },
    };
    return sendBlockSuggestion({ optionsUrl: `${harness.apiUrl}/slack/interactions`, signingSecret, suggestion });
  }

  it('finds the account by name when nothing matched, and the note goes to the account the rep picked', async () => {
    const seeded = await harness.seedTenant();
    const hubspot = harness.emulators.hubspot;
    const northwind = hubspot.addCompany({ name: 'Northwind Traders', domain: 'northwind.example' });
    hubspot.addCompany({ name: 'Northwind Logistics', domain: 'nwlogistics.example' });
    hubspot.addCompany({ name: 'Contoso', domain: 'contoso.example' });
    const { recordingId, workflowId } = await unmatchedMeeting(seeded);

    const answer = await typeInAccountSearch(seeded, recordingId, 'northwind');
    assert.ok(answer.shown, `Slack shows the options (${answer.shown ? '' : answer.problem})`);
    assert.deepEqual(answer.options.map((option) => option.text).sort(), ['Northwind Logistics', 'Northwind Traders']);

    const picked = answer.options.find((option) => option.text === 'Northwind Traders')!;
    assert.equal(picked.value, northwind);
    await harness.click(seeded, { actionId: cardActions.searchAccount, blockId: `account:${recordingId}`, selected: picked });
    await waitFor('the chosen account on the card', () => cardText(harness.emulators.slack, salesChannel).includes('Northwind Traders'));
    assert.equal((await meetingState(harness, workflowId)).account?.chosen?.id, northwind);

    await harness.click(seeded, { actionId: cardActions.logNote, value: recordingId });
    await waitFor('the note in HubSpot', () => hubspot.notes().length === 1);
    assert.deepEqual(hubspot.notes()[0]!.companyIds, [northwind]);
    await updatesFinished(harness, workflowId);
  });

  it('lists nothing to another workspace’s user, to a colleague who is not the meeting’s rep, or to an update the API did not sign', async () => {
    const seeded = await harness.seedTenant();
    const other = await harness.seedTenant();
    harness.emulators.hubspot.addCompany({ name: 'Northwind Traders', domain: 'northwind.example' });
    const { recordingId, workflowId } = await unmatchedMeeting(seeded);
    const companySearches = () => harness.emulators.hubspot.requestsTo('POST', /\/crm\/v3\/objects\/companies\/search$/).length;
    const searchesBefore = companySearches();

    const fromOtherWorkspace = await typeInAccountSearch(seeded, recordingId, 'northwind', { teamId: other.teamId, userId: other.rep.slackUserId });
    assert.deepEqual(fromOtherWorkspace, { shown: true, options: [] });
    const fromColleague = await typeInAccountSearch(seeded, recordingId, 'northwind', { teamId: seeded.teamId, userId: 'U0COLLEAGUE' });
    assert.deepEqual(fromColleague, { shown: true, options: [] });
    const unsigned = { tenantId: seeded.tenant.id, slackUserId: seeded.rep.slackUserId, isAdmin: false };
    await assert.rejects(
      harness.client.workflow.getHandle(workflowId).executeUpdate(searchAccountsUpdate, { args: [{ actor: unsigned, query: 'northwind' }] }),
      (error: unknown) => error instanceof WorkflowUpdateFailedError,
    );
    assert.equal(companySearches(), searchesBefore, 'the CRM was not searched for them');

    const fromRep = await typeInAccountSearch(seeded, recordingId, 'northwind');
    assert.ok(fromRep.shown && fromRep.options.length === 1, 'the rep still gets the account');
    await updatesFinished(harness, workflowId);
  });

  it('answers a slow or failing CRM search in time with no options, and the next keystroke searches again', async () => {
    const seeded = await harness.seedTenant();
    const hubspot = harness.emulators.hubspot;
    hubspot.addCompany({ name: 'Northwind Traders', domain: 'northwind.example' });
    const { recordingId, workflowId } = await unmatchedMeeting(seeded);
    const companySearch = { method: 'POST', path: /\/crm\/v3\/objects\/companies\/search$/ };

    hubspot.delayNext(companySearch, 5_000);
    const slow = await typeInAccountSearch(seeded, recordingId, 'north');
    assert.deepEqual(slow, { shown: true, options: [] }, 'answered within Slack’s 3 seconds');

    hubspot.injectFault({ ...companySearch, times: 1, fault: { status: 500 } });
    const failing = await typeInAccountSearch(seeded, recordingId, 'northw');
    assert.deepEqual(failing, { shown: true, options: [] });

    const working = await typeInAccountSearch(seeded, recordingId, 'northwind');
    assert.ok(working.shown);
    assert.deepEqual(working.options.map((option) => option.text), ['Northwind Traders']);
    await updatesFinished(harness, workflowId);
  });

  it('searches the CRM at most a few times a second per workspace, answering the rest with no options', async () => {
    const seeded = await harness.seedTenant();
    const hubspot = harness.emulators.hubspot;
    hubspot.addCompany({ name: 'Northwind Traders', domain: 'northwind.example' });
    const { recordingId, workflowId } = await unmatchedMeeting(seeded);
    const companySearches = () => hubspot.requestsTo('POST', /\/crm\/v3\/objects\/companies\/search$/).length;
    const searchesBefore = companySearches();

    const burst = await Promise.all(Array.from({ length: 10 }, (_, index) => typeInAccountSearch(seeded, recordingId, `northwind${' '.repeat(index)}`)));
    assert.ok(burst.every((answer) => answer.shown), 'every keystroke gets an answer Slack shows');
    const listed = burst.filter((answer) => answer.shown && answer.options.length > 0).length;
    // The lower of the workspace's search allowance (6 at once) and HubSpot's own search limit as the
    // client keeps to it (4 a second per token, clients/service-rate-limits.ts), whichever bites first.
    assert.ok(listed >= 3 && listed <= 6, `${listed} of 10 keystrokes listed accounts`);
    assert.equal(companySearches() - searchesBefore, listed, 'the rest never reached the CRM');
    await updatesFinished(harness, workflowId);
  });

  it('offers the matched account’s contacts in the task form and creates the task with the contact picked', async () => {
    const seeded = await harness.seedTenant();
    const hubspot = harness.emulators.hubspot;
    const client = hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
    const other = hubspot.addCompany({ name: 'Contoso', domain: 'contoso.example' });
    const john = hubspot.addContact({ firstname: 'John', lastname: 'Smith', email: 'john.smith@client.com', companyId: client });
    hubspot.addContact({ firstname: 'Johanna', lastname: 'Berg', email: 'johanna@contoso.example', companyId: other });
    const { recordingId, workflowId } = await prepareMeeting(harness, seeded, {}, cardActions.openTask);

    await harness.click(seeded, { actionId: cardActions.openTask, value: recordingId });
    await waitFor('the task form', () => harness.emulators.slack.calls('views.open').length === 1);
    const form = harness.emulators.slack.calls('views.open')[0]!.view as unknown as { private_metadata: string };
    const contacts = await sendBlockSuggestion({
      optionsUrl: `${harness.apiUrl}/slack/interactions`,
      signingSecret,
      suggestion: {
        teamId: seeded.teamId,
        userId: seeded.rep.slackUserId,
        actionId: taskModal.fields.contact.action,
        blockId: taskModal.fields.contact.block,
        value: 'joh',
        view: { id: 'V0TASK', callbackId: taskModal.callback, privateMetadata: form.private_metadata },
      },
    });
    assert.ok(contacts.shown, `Slack shows the options (${contacts.shown ? '' : contacts.problem})`);
    assert.deepEqual(contacts.options, [{ text: 'John Smith (john.smith@client.com)', value: john }], 'only people at the meeting’s account');

    const submitted = await harness.postSigned(
      '/slack/interactions',
      blockActionsBody({
        type: 'view_submission',
        team: { id: seeded.teamId },
        user: { id: seeded.rep.slackUserId, team_id: seeded.teamId },
        view: {
          id: 'V0TASK',
          callback_id: taskModal.callback,
          private_metadata: form.private_metadata,
          state: {
            values: {
              [taskModal.fields.subject.block]: { [taskModal.fields.subject.action]: { type: 'plain_text_input', value: 'Send John the pricing' } },
              [taskModal.fields.dueDate.block]: { [taskModal.fields.dueDate.action]: { type: 'datepicker', selected_date: '2030-03-05' } },
              [taskModal.fields.dueTime.block]: { [taskModal.fields.dueTime.action]: { type: 'timepicker', selected_time: '09:00' } },
              [taskModal.fields.contact.block]: { [taskModal.fields.contact.action]: { type: 'external_select', selected_option: contacts.options[0] } },
            },
          },
        },
      }),
    );
    assert.equal(await submitted.text(), '', 'the form closes');
    await waitFor('the CRM task', () => hubspot.tasks().length === 1);
    const [task] = hubspot.tasks();
    assert.equal(task!.subject, 'Send John the pricing');
    assert.deepEqual(task!.contactIds, [john], 'the task is about the contact the rep picked');
    assert.deepEqual(task!.companyIds, [client]);
    await updatesFinished(harness, workflowId);
  });
});

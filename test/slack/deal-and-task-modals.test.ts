import assert from 'node:assert/strict';
import type { CrmDeal, CrmDealStage } from '../../domain/crm';
import { blockActionsBody } from '../../emulators/slack-request-signer';
import { cardActions, dealModal, taskModal } from '../../slack/action-ids';
import { renderDealModal } from '../../slack/deal-modal';
import { cardText } from '../support/card';
import { meetingState, prepareMeeting, salesChannel, updatesFinished } from '../support/meeting-flow';
import { startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';
import { waitFor } from '../support/wait-for';

interface ViewBlock {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: { text: string }[];
  accessory?: { type: string; options?: { value: string }[]; initial_option?: { value: string } };
  element?: {
    type: string;
    initial_value?: string;
    initial_date?: string;
    initial_time?: string;
    initial_option?: { value: string };
    options?: { value: string; text: { text: string } }[];
  };
}
interface OpenedView {
  id?: string;
  callback_id?: string;
  private_metadata?: string;
  submit?: unknown;
  blocks: ViewBlock[];
}

const blockStarting = (view: OpenedView, prefix: string): ViewBlock | undefined => view.blocks.find((block) => block.block_id?.startsWith(prefix));

describe('Slack: the card’s CRM task and deal modals', function () {
  this.timeout(120_000);
  let harness: ProductHarness;

  beforeEach(async () => {
    harness = await startProductHarness();
  });
  afterEach(async () => harness?.close());


  function submitView(seeded: SeededTenant, view: { id: string; callback_id: string; private_metadata?: string; values: Record<string, Record<string, unknown>> }): Promise<Response> {
    return harness.postSigned(
      '/slack/interactions',
      blockActionsBody({
        type: 'view_submission',
        team: { id: seeded.teamId },
        user: { id: seeded.rep.slackUserId, team_id: seeded.teamId },
        view: { id: view.id, callback_id: view.callback_id, private_metadata: view.private_metadata ?? '', state: { values: view.values } },
      }),
    );
  }

  it('opens the task form in the rep’s time zone, keeps it open on a past date, and creates one task at the rep’s local time', async () => {
    const seeded = await harness.seedTenant();
    const slack = harness.emulators.slack;
    const hubspot = harness.emulators.hubspot;
    hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
    // The seed leaves the rep's zone unset: only Slack's users.info (tz Europe/Rome) can tell it.
    const { recordingId, workflowId } = await prepareMeeting(harness, seeded, { recording_start_time: '2026-07-01T08:00:00Z' }, cardActions.openTask);
    assert.ok(slack.calls('users.info').some((call) => call.user === seeded.rep.slackUserId), 'the rep’s profile was read from Slack');
    assert.match(cardText(slack, salesChannel), /2026-07-01 10:00 \(Europe\/Rome\)/, 'the card shows the meeting on the rep’s wall clock');

    await harness.click(seeded, { actionId: cardActions.openTask, value: recordingId });
    await waitFor('the task modal', () => slack.calls('views.open').length === 1);
    const form = slack.calls('views.open')[0]!.view as unknown as OpenedView;
    assert.equal(form.callback_id, taskModal.callback);
    assert.match(blockStarting(form, taskModal.fields.subject.block)!.element!.initial_value!, /^Follow up: /);
    const defaultDate = blockStarting(form, taskModal.fields.dueDate.block)!.element!.initial_date!;
    assert.ok(![0, 6].includes(new Date(`${defaultDate}T12:00:00Z`).getUTCDay()), 'the default due date is a weekday');
    assert.ok(defaultDate > new Date().toISOString().slice(0, 10), 'the default due date is after today');
    assert.equal(blockStarting(form, taskModal.fields.dueTime.block)!.element!.initial_time, '09:00');
    assert.match(JSON.stringify(form.blocks), /Europe\/Rome/, 'the form names the rep’s time zone, not UTC');

    const submit = (subject: string, date: string, time: string) =>
      submitView(seeded, {
        id: 'V0TASK',
        callback_id: taskModal.callback,
        private_metadata: form.private_metadata,
        values: {
          [taskModal.fields.subject.block]: { [taskModal.fields.subject.action]: { type: 'plain_text_input', value: subject } },
          [taskModal.fields.dueDate.block]: { [taskModal.fields.dueDate.action]: { type: 'datepicker', selected_date: date } },
          [taskModal.fields.dueTime.block]: { [taskModal.fields.dueTime.action]: { type: 'timepicker', selected_time: time } },
        },
      });

    const past = await submit('Send the security questionnaire', '2020-01-06', '09:00');
    const pastAnswer = (await past.json()) as { response_action: string; errors: Record<string, string> };
    assert.equal(pastAnswer.response_action, 'errors');
    assert.match(pastAnswer.errors[taskModal.fields.dueDate.block]!, /in the past/);
    const impossible = (await (await submit('Send the security questionnaire', '2030-02-30', '09:00')).json()) as { errors: Record<string, string> };
    assert.match(impossible.errors[taskModal.fields.dueDate.block]!, /valid due date/);
    assert.equal(hubspot.tasks().length, 0, 'nothing reached the CRM for bad input');

    const created = await submit('Send the security questionnaire', '2030-03-05', '09:00');
    assert.equal(created.status, 200);
    assert.equal(await created.text(), '', 'success closes only this modal');
    await waitFor('the CRM task', () => hubspot.tasks().length === 1);
    assert.equal(hubspot.tasks()[0]!.subject, 'Send the security questionnaire');
    assert.equal(hubspot.tasks()[0]!.dueAt, '2030-03-05T08:00:00.000Z', '09:00 in Europe/Rome is 08:00 UTC in March');

    const again = (await (await submit('Send it again', '2030-03-06', '09:00')).json()) as { errors: Record<string, string> };
    assert.match(again.errors[taskModal.fields.subject.block]!, /already/);
    assert.equal(hubspot.tasks().length, 1);
    await updatesFinished(harness, workflowId);
  });

  it('fills the deal modal from the CRM with its real stages, and sends only what the rep changed', async () => {
    const seeded = await harness.seedTenant();
    const slack = harness.emulators.slack;
    const hubspot = harness.emulators.hubspot;
    const company = hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
    const deal = hubspot.addDeal({ name: 'Client Inc pilot', companyId: company, stage: 'qualifiedtobuy', amount: 50000 });
    const { recordingId, workflowId } = await prepareMeeting(harness, seeded, {}, cardActions.openDeal);

    await harness.click(seeded, { actionId: cardActions.openDeal, value: recordingId });
    await waitFor('the deal modal', () => slack.calls('views.open').length === 1);
    assert.match(JSON.stringify(slack.calls('views.open')[0]!.view), /Loading the open deal…/, 'the modal opens at once with a loading note');
    await waitFor('the filled deal modal', () => slack.calls('views.update').length === 1);
    const editor = slack.calls('views.update')[0]!.view as unknown as OpenedView;
    assert.equal(editor.callback_id, dealModal.callback);
    const stage = blockStarting(editor, dealModal.fields.stage.block)!;
    assert.deepEqual(
      stage.element!.options!.map((option) => option.text.text),
      ['Appointment Scheduled', 'Qualified To Buy', 'Presentation Scheduled', 'Decision Maker Bought-In', 'Contract Sent', 'Closed Won', 'Closed Lost'],
    );
    assert.equal(stage.element!.initial_option?.value, 'qualifiedtobuy', 'the current stage is preselected');
    const amount = blockStarting(editor, dealModal.fields.amount.block)!;
    assert.equal(amount.element!.initial_value, '50000');

    const submit = (stageId: string, amountText: string) =>
      submitView(seeded, {
        id: String(slack.calls('views.update')[0]!.view_id),
        callback_id: dealModal.callback,
        private_metadata: editor.private_metadata,
        values: {
          [stage.block_id!]: { [dealModal.fields.stage.action]: { type: 'static_select', selected_option: { value: stageId } } },
          [amount.block_id!]: { [dealModal.fields.amount.action]: { type: 'number_input', value: amountText } },
        },
      });
    const dealWrites = () => hubspot.requestsTo('PATCH', /\/crm\/v3\/objects\/deals\//);

    const unchanged = await submit('qualifiedtobuy', '50000');
    assert.equal(await unchanged.text(), '', 'an unchanged form just closes');
    assert.equal(dealWrites().length, 0, 'nothing was written to the CRM');
    assert.equal((await meetingState(harness, workflowId)).actions.deal.attempts, 0);

    const negative = (await (await submit('qualifiedtobuy', '-5')).json()) as { errors: Record<string, string> };
    assert.match(negative.errors[amount.block_id!]!, /positive number/);

    const moved = await submit('contractsent', '50000');
    assert.equal(await moved.text(), '');
    await waitFor('the deal update', async () => (await meetingState(harness, workflowId)).actions.deal.status === 'done');
    const updated = hubspot.deals().find((candidate) => candidate.id === deal)!;
    assert.equal(updated.stage, 'contractsent');
    assert.equal(Number(updated.amount), 50000);
    assert.deepEqual(
      dealWrites().map((request) => Object.keys((request.body as { properties: Record<string, string> }).properties)),
      [['dealstage']],
      'only the stage was sent; the amount was left alone',
    );
    await updatesFinished(harness, workflowId);
  });

  it('opens the most recently updated of several open deals and switches to another the rep picks', async () => {
    const seeded = await harness.seedTenant();
    const slack = harness.emulators.slack;
    const hubspot = harness.emulators.hubspot;
    const company = hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
    const pilot = hubspot.addDeal({ name: 'Client Inc pilot', companyId: company, stage: 'qualifiedtobuy', amount: 50000 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const expansion = hubspot.addDeal({ name: 'Client Inc expansion', companyId: company, stage: 'contractsent', amount: 120000 });
    const { recordingId, workflowId } = await prepareMeeting(harness, seeded, {}, cardActions.openDeal);

    await harness.click(seeded, { actionId: cardActions.openDeal, value: recordingId });
    await waitFor('the filled deal modal', () => slack.calls('views.update').length === 1);
    const first = slack.calls('views.update')[0]!;
    const editor = first.view as unknown as OpenedView;
    assert.equal(JSON.parse(editor.private_metadata!).dealId, expansion, 'the newest deal comes first');
    const chooser = editor.blocks.find((block) => block.accessory?.type === 'static_select')!;
    assert.deepEqual(chooser.accessory!.options!.map((option) => option.value), [expansion, pilot]);

    await harness.postSigned(
      '/slack/interactions',
      blockActionsBody({
        type: 'block_actions',
        team: { id: seeded.teamId },
        user: { id: seeded.rep.slackUserId, team_id: seeded.teamId },
        trigger_id: slack.issueTriggerId(),
        container: { type: 'view', view_id: first.view_id },
        view: { id: first.view_id, callback_id: dealModal.callback, private_metadata: editor.private_metadata },
        actions: [{ type: 'static_select', action_id: dealModal.dealSelect, block_id: 'deal', selected_option: { value: pilot } }],
      }),
    );
    await waitFor('the switched deal modal', () => slack.calls('views.update').length === 2);
    const switched = slack.calls('views.update')[1]!.view as unknown as OpenedView;
    assert.equal(JSON.parse(switched.private_metadata!).dealId, pilot);
    assert.equal(blockStarting(switched, dealModal.fields.stage.block)!.element!.initial_option?.value, 'qualifiedtobuy');
    assert.equal(blockStarting(switched, dealModal.fields.amount.block)!.element!.initial_value, '50000');
    await updatesFinished(harness, workflowId);
  });

  it('says so when the account has no open deal', async () => {
    const seeded = await harness.seedTenant();
    const slack = harness.emulators.slack;
    const company = harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
    harness.emulators.hubspot.addDeal({ name: 'Old deal', companyId: company, stage: 'closedwon', amount: 1000 });
    const { recordingId, workflowId } = await prepareMeeting(harness, seeded, {}, cardActions.openDeal);

    await harness.click(seeded, { actionId: cardActions.openDeal, value: recordingId });
    await waitFor('the deal modal', () => slack.calls('views.update').length === 1);
    const notice = slack.calls('views.update')[0]!.view as unknown as OpenedView;
    assert.match(JSON.stringify(notice.blocks), /no open deal/);
    assert.equal(notice.submit, undefined, 'there is no form to submit');
    await updatesFinished(harness, workflowId);
  });

  it('opens no editor (text, deal or task) for a member who only sees the channel card, and tells them why', async () => {
    const seeded = await harness.seedTenant();
    const slack = harness.emulators.slack;
    const company = harness.emulators.hubspot.addCompany({ name: 'Client Inc', domain: 'client.com' });
    harness.emulators.hubspot.addDeal({ name: 'Client Inc pilot', companyId: company, stage: 'qualifiedtobuy', amount: 50000 });
    const { recordingId } = await prepareMeeting(harness, seeded, {}, cardActions.openDeal);

    for (const actionId of [cardActions.edit, cardActions.openDeal, cardActions.openTask]) {
      assert.equal((await harness.click(seeded, { actionId, value: recordingId }, { userId: 'U0CHANNELMEMBER' })).status, 200);
    }
    await waitFor('three refusals', () => slack.responseUrlPosts().length >= 3);
    const refusals = slack.responseUrlPosts().map((post) => JSON.stringify(post));
    for (const what of ['edit its follow-up', 'update its deal', 'create its CRM task']) {
      assert.ok(refusals.some((text) => text.includes(`Only the rep who recorded this meeting (or a workspace admin) can ${what}`)), what);
    }
    assert.equal(slack.calls('views.open').length, 0, 'no modal opened, so the CRM note and deals stayed hidden');
  });
});

describe('Slack: deal modal rendering', () => {
  const stages: CrmDealStage[] = [
    { id: 'discovery', label: 'Discovery', pipelineId: 'sales', isClosed: false },
    { id: 'proposal', label: 'Proposal', pipelineId: 'sales', isClosed: false },
    { id: 'onboarding', label: 'Onboarding', pipelineId: 'renewals', isClosed: false },
  ];
  const deal = (overrides: Partial<CrmDeal>): CrmDeal => ({ id: 'd1', name: 'Pilot', stageId: 'discovery', pipelineId: 'sales', amount: 100, isClosed: false, ...overrides });

  it('never preselects a stage the pipeline does not list, so saving cannot change it silently', () => {
    const view = renderDealModal({ recordingId: 'r1', deals: [deal({ stageId: 'legacy-stage' })], stages }) as unknown as OpenedView;
    const stage = blockStarting(view, dealModal.fields.stage.block)!;
    assert.deepEqual(stage.element!.options!.map((option) => option.value), ['discovery', 'proposal'], 'only the deal’s own pipeline');
    assert.equal(stage.element!.initial_option, undefined);
    assert.equal(JSON.parse(view.private_metadata!).stageId, 'legacy-stage');
  });

  it('edits the most recently updated of several open deals and offers the others', () => {
    const older = deal({ id: 'd1', name: 'Old pilot', updatedAt: '2026-01-01T00:00:00.000Z' });
    const newer = deal({ id: 'd2', name: 'Expansion', stageId: 'proposal', updatedAt: '2026-06-01T00:00:00.000Z' });
    const view = renderDealModal({ recordingId: 'r1', deals: [older, newer], stages }) as unknown as OpenedView;
    assert.equal(JSON.parse(view.private_metadata!).dealId, 'd2');
    const chooser = view.blocks.find((block) => block.accessory?.type === 'static_select')!;
    assert.deepEqual(chooser.accessory!.options!.map((option) => option.value), ['d2', 'd1']);
    assert.equal(chooser.accessory!.initial_option?.value, 'd2');
  });
});

import assert from 'node:assert/strict';
import type { Context } from 'koa';
import type { ApiDependencies } from '../../api/http/dependencies';
import {
  answerInteraction,
  interactionRegistry,
  type ClickHandler,
  type InteractionRegistry,
  type SubmissionHandler,
  type SuggestionHandler,
} from '../../api/interactions/slack-interactions';
import type { SlackInteraction } from '../../api/slack/slack-payload';
import type { Tenant } from '../../entities';
import {
  cardActions,
  connectActions,
  connectModals,
  dealModal,
  disconnectActions,
  homeActions,
  incidentActions,
  meetingPicker,
  modalCallbacks,
  settingsModal,
  taskModal,
} from '../../slack/action-ids';

describe('Slack interactions: one handler per id', () => {
  const tenant = { id: 'tenant-1' } as Tenant;
  const ctx = {} as Context;
  const user = { id: 'U0PERSONAL', team_id: 'T1' };
  // Building the registry only wires closures; no dependency is touched until a handler runs.
  const registry = interactionRegistry({} as ApiDependencies);

  /** Every id the app's buttons, selects and modals can send, as rendered by slack/. */
  const renderedClickIds = [
    ...Object.values(cardActions),
    ...Object.values(homeActions),
    ...Object.values(connectActions),
    ...Object.values(disconnectActions),
    ...Object.values(incidentActions),
    dealModal.dealSelect,
    meetingPicker.older,
  ];
  /** External selects, whose options Slack loads from the app. */
  const renderedSuggestionIds = [cardActions.searchAccount, taskModal.fields.contact.action];
  const renderedCallbackIds = [
    modalCallbacks.editTexts,
    taskModal.callback,
    dealModal.callback,
    meetingPicker.callback,
    settingsModal.callback,
    connectModals.fathom.callback,
    connectModals.crono.callback,
  ];

  function capturingLogger() {
    const warnings: { message: string; fields?: Record<string, unknown> }[] = [];
    return { warnings, logger: { warn: (message: string, fields?: Record<string, unknown>) => warnings.push({ message, fields }) } };
  }

  /** The real registry's ids, each bound to a handler that records that it ran. */
  function recordingRegistry(): { registry: InteractionRegistry; reached: string[] } {
    const reached: string[] = [];
    const clicks = new Map<string, ClickHandler>([...registry.clicks.keys()].map((id) => [id, async () => void reached.push(id)]));
    const submissions = new Map<string, SubmissionHandler>(
      [...registry.submissions.keys()].map((id) => [
        id,
        async () => {
          reached.push(id);
          return { response_action: 'errors', errors: { field: `answered by ${id}` } };
        },
      ]),
    );
    const suggestions = new Map<string, SuggestionHandler>(
      [...registry.suggestions.keys()].map((id) => [
        id,
        async () => {
          reached.push(id);
          return { options: [{ text: { type: 'plain_text', text: `answered by ${id}` }, value: id }] };
        },
      ]),
    );
    return { registry: { clicks, submissions, suggestions }, reached };
  }

  const click = (actionId: string): SlackInteraction => ({ type: 'block_actions', user, actions: [{ action_id: actionId, value: 'rec-1' }] });
  const submission = (callbackId: string): SlackInteraction => ({ type: 'view_submission', user, view: { id: 'V1', callback_id: callbackId } });

  it('has a handler for every button, select and modal the app renders, and for nothing else', () => {
    assert.deepEqual([...registry.clicks.keys()].sort(), [...new Set(renderedClickIds)].sort());
    assert.deepEqual([...registry.submissions.keys()].sort(), [...new Set(renderedCallbackIds)].sort());
    assert.deepEqual([...registry.suggestions.keys()].sort(), [...new Set(renderedSuggestionIds)].sort());
  });

  it('hands each registered action id and callback id to its own handler and no other', async () => {
    const { logger, warnings } = capturingLogger();
    for (const actionId of renderedClickIds) {
      const { registry: recording, reached } = recordingRegistry();
      assert.equal(await answerInteraction(recording, logger, { ctx, tenant, payload: click(actionId) }), '');
      assert.deepEqual(reached, [actionId]);
    }
    for (const callbackId of renderedCallbackIds) {
      const { registry: recording, reached } = recordingRegistry();
      const answer = await answerInteraction(recording, logger, { ctx, tenant, payload: submission(callbackId) });
      assert.deepEqual(answer, { response_action: 'errors', errors: { field: `answered by ${callbackId}` } });
      assert.deepEqual(reached, [callbackId]);
    }
    for (const actionId of renderedSuggestionIds) {
      const { registry: recording, reached } = recordingRegistry();
      const answer = await answerInteraction(recording, logger, { ctx, tenant, payload: { type: 'block_suggestion', user, action_id: actionId, value: 'acm' } });
      assert.deepEqual(answer, { options: [{ text: { type: 'plain_text', text: `answered by ${actionId}` }, value: actionId }] });
      assert.deepEqual(reached, [actionId]);
    }
    assert.deepEqual(warnings, []);
  });

  it('acknowledges an unknown action id, callback id or options load, runs no handler, and logs each once with its id only', async () => {
    const { registry: recording, reached } = recordingRegistry();
    const { logger, warnings } = capturingLogger();
    const answer = (payload: SlackInteraction) => answerInteraction(recording, logger, { ctx, tenant, payload });

    assert.equal(await answer(click('someone.elses_button')), '');
    assert.equal(await answer(submission('someone.elses_modal')), '');
    assert.equal(await answer({ type: 'view_closed', user, view: { id: 'V1', callback_id: taskModal.callback } }), '');
    assert.deepEqual(await answer({ type: 'block_suggestion', user, action_id: 'someone.elses_select', value: 'acm' }), { options: [] });
    assert.equal(await answer({ type: 'block_actions', user, actions: [] }), '');

    assert.deepEqual(reached, []);
    assert.deepEqual(
      warnings.map(({ fields }) => [fields?.type, fields?.id]),
      [
        ['block_actions', 'someone.elses_button'],
        ['view_submission', 'someone.elses_modal'],
        ['view_closed', taskModal.callback],
        ['block_suggestion', 'someone.elses_select'],
        ['block_actions', undefined],
      ],
    );
    assert.ok(warnings.every(({ fields }) => fields?.tenantId === tenant.id));
    assert.ok(!JSON.stringify(warnings).includes(user.id), 'the clicking user is not logged');
    assert.ok(!JSON.stringify(warnings).includes('acm'), 'what the user typed is not logged');
  });
});

import type { Context } from 'koa';
import { callSlack } from '../../clients/slack-client';
import { inTenant } from '../../db/tenant-scope';
import { MeetingRecord, type Tenant } from '../../entities';
import { cardActions, dealModal, editModalFields, homeActions, meetingPicker, modalCallbacks, settingsModal, taskModal } from '../../slack/action-ids';
import { renderEditModal } from '../../slack/edit-modal';
import {
  chooseAccountUpdate,
  createEmailDraftUpdate,
  dismissUpdate,
  editTextsUpdate,
  logNoteUpdate,
  processAnywayUpdate,
  scheduleFollowUpUpdate,
  sendInvitationsUpdate,
} from '../../workflows/messages';
import { actionKinds, type ActionKind } from '../../domain/meeting';
import { actorFor } from './actors';
import { afterResponse } from '../http/after-response';
import { publishAppHome } from './publish-app-home';
import { openDealEditor, submitDeal, switchEditedDeal } from './deal-editor';
import type { ApiDependencies } from '../http/dependencies';
import { handleDisconnectClick, isDisconnectButton } from './disconnections';
import { isConnectButton, openKeyModal, submitKeyModal } from './key-connections';
import type { UpdateOutcome } from '../meetings/meeting-gateway';
import { startPickedMeeting } from '../triggers/pick-meeting';
import { openSettingsModal, submitSettings } from './settings-editor';
import type { SlackAction, SlackInteraction } from '../slack/slack-payload';
import type { SlackRequestState } from '../slack/slack-request';
import { replyEphemeral, slackClientOrExplain } from '../slack/slack-replies';
import { openTaskModal, submitTask } from './task-editor';

/**
 * Clicks and modal submissions. Each click becomes a workflow update (or the retry signal);
 * Slack gets its answer as soon as the workflow has accepted or rejected it, and the card is
 * updated by the workflow when the work is done.
 */
export function slackInteractionsHandler(deps: ApiDependencies) {
  return async (ctx: Context): Promise<void> => {
    const slack = ctx.state.slack as SlackRequestState;
    if (slack.body.kind !== 'interaction' || !slack.tenant) {
      ctx.status = 400;
      return;
    }
    const payload = slack.body.payload;
    const tenant = slack.tenant;
    if (payload.type === 'block_actions') {
      const action = payload.actions?.[0];
      if (action?.action_id === homeActions.editSettings) await openSettingsModal(deps, tenant, payload);
      else if (action?.action_id === dealModal.dealSelect) await switchEditedDeal(deps, tenant, payload, action);
      else if (action && isConnectButton(action.action_id)) await openKeyModal(deps, tenant, payload, action.action_id);
      else if (action && isDisconnectButton(action.action_id)) await handleDisconnectClick(ctx, deps, tenant, payload, action);
      // The reinstall button is a link; its click only needs the acknowledgement.
      else if (action && action.action_id !== homeActions.reinstall) await handleBlockAction(ctx, deps, tenant, payload, action);
      ctx.status = 200;
      ctx.body = '';
      return;
    }
    if (payload.type === 'view_submission' && payload.view?.callback_id === modalCallbacks.editTexts) {
      ctx.status = 200;
      ctx.body = await handleEditSubmission(deps, tenant, payload);
      return;
    }
    if (payload.type === 'view_submission' && payload.view?.callback_id === taskModal.callback) {
      ctx.status = 200;
      ctx.body = await submitTask(deps, tenant, payload);
      return;
    }
    if (payload.type === 'view_submission' && payload.view?.callback_id === dealModal.callback) {
      ctx.status = 200;
      ctx.body = await submitDeal(deps, tenant, payload);
      return;
    }
    if (payload.type === 'view_submission' && payload.view?.callback_id === meetingPicker.callback) {
      ctx.status = 200;
      ctx.body = await startPickedMeeting(deps, tenant, payload);
      return;
    }
    const keyConnection = payload.type === 'view_submission' ? await submitKeyModal(deps, tenant, payload) : undefined;
    if (keyConnection) {
      const slackUserId = payload.user.id;
      if (keyConnection.connected) afterResponse(ctx, deps.logger, 'Republishing App Home', () => publishAppHome(deps, tenant, slackUserId));
      ctx.status = 200;
      ctx.body = keyConnection.answer;
      return;
    }
    if (payload.type === 'view_submission' && payload.view?.callback_id === settingsModal.callback) {
      const { answer, saved } = await submitSettings(deps, tenant, payload);
      const adminSlackUserId = payload.user.id;
      if (saved) afterResponse(ctx, deps.logger, 'Republishing App Home', () => publishAppHome(deps, tenant, adminSlackUserId));
      ctx.status = 200;
      ctx.body = answer;
      return;
    }
    ctx.status = 200;
    ctx.body = '';
  };
}

async function handleBlockAction(ctx: Context, deps: ApiDependencies, tenant: Tenant, payload: SlackInteraction, action: SlackAction): Promise<void> {
  const actor = await actorFor(deps.orm, tenant, payload.user.id);
  const recordingId = recordingIdOf(action);
  if (!recordingId) return;
  const reply = (text: string) =>
    replyEphemeral(deps, tenant, { responseUrl: payload.response_url, channelId: payload.container?.channel_id, userId: payload.user.id }, text);
  let outcome: UpdateOutcome;
  switch (action.action_id) {
    case cardActions.logNote:
      outcome = await deps.gateway.update(tenant, recordingId, logNoteUpdate, { actor });
      break;
    case cardActions.createDraft:
      outcome = await deps.gateway.update(tenant, recordingId, createEmailDraftUpdate, { actor });
      break;
    case cardActions.scheduleEvent:
      outcome = await deps.gateway.update(tenant, recordingId, scheduleFollowUpUpdate, { actor });
      break;
    case cardActions.sendInvitations:
      outcome = await deps.gateway.update(tenant, recordingId, sendInvitationsUpdate, { actor });
      break;
    case cardActions.dismiss:
      outcome = await deps.gateway.update(tenant, recordingId, dismissUpdate, { actor });
      break;
    case cardActions.processAnyway:
      outcome = await deps.gateway.update(tenant, recordingId, processAnywayUpdate, { actor });
      break;
    case cardActions.chooseAccount:
    case cardActions.searchAccount: {
      const selected = action.selected_option;
      if (!selected) return;
      outcome = await deps.gateway.update(tenant, recordingId, chooseAccountUpdate, {
        actor,
        accountId: selected.value,
        accountName: selected.text?.text ?? selected.value,
      });
      break;
    }
    case cardActions.retry: {
      const requested = action.value?.split(':')[1];
      const kind = actionKinds.includes(requested as ActionKind) ? (requested as ActionKind) : undefined;
      if (!(await mayActOn(deps, tenant, recordingId, actor.slackUserId, actor.isAdmin))) {
        await reply('Only the rep who recorded this meeting (or a workspace admin) can retry it.');
        return;
      }
      await deps.gateway.retry(tenant, recordingId, actor.slackUserId, kind);
      return;
    }
    case cardActions.edit:
      await openEditModal(deps, tenant, recordingId, payload, reply);
      return;
    case cardActions.openTask:
      // The form only goes to the CRM on submit; refuse before the rep fills it in for nothing.
      if (!(await mayActOn(deps, tenant, recordingId, actor.slackUserId, actor.isAdmin))) {
        await reply('Only the rep who recorded this meeting (or a workspace admin) can create its CRM task.');
        return;
      }
      await openTaskModal(deps, tenant, recordingId, payload, reply);
      return;
    case cardActions.openDeal:
      await openDealEditor(deps, tenant, recordingId, payload, reply);
      return;
    default:
      return;
  }
  // The explanation goes out after Slack has its answer: the click's outcome is already decided.
  if (outcome.status === 'rejected') afterResponse(ctx, deps.logger, 'Explaining a refused click', () => reply(`⚠️ ${outcome.reason}`));
  if (outcome.status === 'unavailable') {
    afterResponse(ctx, deps.logger, 'Explaining an unavailable service', () => reply('⚠️ I could not reach the workflow service. Please try again in a minute.'));
  }
}

/** Buttons carry the recording id in their value; selects carry it in their block id. */
function recordingIdOf(action: SlackAction): string | undefined {
  if (action.block_id?.startsWith('account:')) return action.block_id.slice('account:'.length);
  return action.value?.split(':')[0] || undefined;
}

async function mayActOn(deps: ApiDependencies, tenant: Tenant, recordingId: string, slackUserId: string, isAdmin: boolean): Promise<boolean> {
  if (isAdmin) return true;
  const record = await inTenant(deps.orm, tenant.id, (em) => em.findOne(MeetingRecord, { recordingId }));
  return record?.repSlackUserId === slackUserId;
}

async function openEditModal(
  deps: ApiDependencies,
  tenant: Tenant,
  recordingId: string,
  payload: SlackInteraction,
  reply: (text: string) => Promise<void>,
): Promise<void> {
  const record = await inTenant(deps.orm, tenant.id, (em) => em.findOne(MeetingRecord, { recordingId }));
  if (!record?.draft) return reply('The follow-up is still being prepared; try again in a moment.');
  if (!payload.trigger_id) return;
  const slack = await slackClientOrExplain(deps, tenant, reply);
  if (!slack) return;
  const view = renderEditModal(recordingId, record.draft);
  await callSlack(() => slack.views.open({ trigger_id: payload.trigger_id!, view: view as never }));
}

async function handleEditSubmission(deps: ApiDependencies, tenant: Tenant, payload: SlackInteraction): Promise<Record<string, unknown> | ''> {
  const view = payload.view!;
  const recordingId = view.private_metadata ?? '';
  const values = view.state?.values ?? {};
  const read = (field: keyof typeof editModalFields): string | undefined =>
    values[editModalFields[field].block]?.[editModalFields[field].action]?.value ?? undefined;
  const actor = await actorFor(deps.orm, tenant, payload.user.id);
  const outcome = await deps.gateway.update(tenant, recordingId, editTextsUpdate, {
    actor,
    summary: read('summary'),
    emailSubject: read('emailSubject'),
    emailBody: read('emailBody'),
    crmNote: read('crmNote'),
  });
  if (outcome.status === 'rejected') {
    const field = /subject/i.test(outcome.reason) ? 'emailSubject' : 'summary';
    return { response_action: 'errors', errors: { [editModalFields[field].block]: outcome.reason } };
  }
  if (outcome.status === 'unavailable') {
    return { response_action: 'errors', errors: { [editModalFields.summary.block]: 'Could not save right now; please submit again in a minute.' } };
  }
  return '';
}

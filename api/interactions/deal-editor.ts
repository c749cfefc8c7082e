import type { WebClient } from '@slack/web-api';
import { callSlack } from '../../clients/slack-client';
import type { Tenant } from '../../entities';
import { dealModal } from '../../slack/action-ids';
import { dealLoadingView, dealNoticeView, dealViewRecordingId, parseDealEditorMetadata } from '../../slack/deal-modal';
import { prepareDealEditorUpdate, updateDealUpdate } from '../../workflows/messages';
import { actorFor } from './actors';
import { mayActOn, type CardClick } from './card-actions';
import type { ApiDependencies } from '../http/dependencies';
import type { SlackClick, SlackSubmission, SubmissionAnswer } from '../slack/slack-request';
import { modalOpener, slackClientForTenant } from '../slack/slack-replies';

type DealEditorDependencies = Pick<ApiDependencies, 'orm' | 'gateway' | 'secrets' | 'slack' | 'logger'>;

/**
 * The card's "Deal" button. The deals and stages live in the CRM, which only the workflow talks
 * to: the modal opens at once with a loading note and the workflow fills it in.
 */
export async function openDealEditor(deps: DealEditorDependencies, card: CardClick): Promise<void> {
  // The editor shows the account's deals: refuse before opening it, not inside it.
  if (!(await mayActOn(deps, card.tenant, card.recordingId, await actorFor(deps.orm, card.tenant, card.payload.user.id)))) {
    return card.reply('Only the rep who recorded this meeting (or a workspace admin) can update its deal.');
  }
  const modal = await modalOpener(deps, card.tenant, card.payload.trigger_id, card.reply);
  if (!modal) return;
  let viewId: string | undefined;
  try {
    viewId = await modal.open(dealLoadingView(card.recordingId));
  } catch (error) {
    deps.logger.warn('Could not open the deal editor', { tenantId: card.tenant.id, error });
    return card.reply('I could not open the deal editor in time. Please click Deal again.');
  }
  if (viewId) await fillDealEditor(deps, card.tenant, modal.slack, { recordingId: card.recordingId, slackUserId: card.payload.user.id, viewId });
}

/** The rep picked another of the account's open deals in the editor. */
export async function switchEditedDeal(deps: Pick<ApiDependencies, 'orm' | 'gateway' | 'secrets' | 'slack'>, click: SlackClick): Promise<void> {
  const { tenant, payload } = click;
  const recordingId = dealViewRecordingId(payload.view?.private_metadata);
  const dealId = click.action.selected_option?.value;
  const viewId = payload.view?.id;
  if (!recordingId || !dealId || !viewId) return;
  const slack = await slackClientForTenant(deps, tenant);
  if (!slack) return;
  await fillDealEditor(deps, tenant, slack, { recordingId, slackUserId: payload.user.id, viewId, dealId });
}

/**
 * The editor's Save: sends only the fields the rep changed from what the form showed, so an
 * untouched stage or amount is never written back. Errors stay on the field, input kept.
 */
export async function submitDeal(deps: Pick<ApiDependencies, 'orm' | 'gateway'>, submission: SlackSubmission): Promise<SubmissionAnswer> {
  const { tenant, view } = submission;
  const shown = parseDealEditorMetadata(view.private_metadata);
  // Only the filled-in editor has a submit button; anything else has nothing to save.
  if (!shown) return '';
  const stageBlock = `${dealModal.fields.stage.block}:${shown.dealId}`;
  const amountBlock = `${dealModal.fields.amount.block}:${shown.dealId}`;
  const values = view.state?.values ?? {};
  const stageId = values[stageBlock]?.[dealModal.fields.stage.action]?.selected_option?.value;
  const amountText = values[amountBlock]?.[dealModal.fields.amount.action]?.value?.trim() ?? '';
  const amount = amountText === '' ? null : Number(amountText);
  if (amount !== null && (!Number.isFinite(amount) || amount < 0)) return fieldError(amountBlock, 'Enter the amount as a positive number.');
  if (amount === null && shown.amount !== null) return fieldError(amountBlock, 'The amount cannot be cleared from Slack; enter a number or keep the current one.');
  const changes = {
    ...(stageId && stageId !== shown.stageId ? { stageId } : {}),
    ...(amount !== null && amount !== shown.amount ? { amount } : {}),
  };
  if (Object.keys(changes).length === 0) return '';
  const actor = await actorFor(deps.orm, tenant, submission.payload.user.id);
  const outcome = await deps.gateway.update(tenant, shown.recordingId, updateDealUpdate, { actor, dealId: shown.dealId, ...changes });
  if (outcome.status === 'rejected') return fieldError(/amount/i.test(outcome.reason) ? amountBlock : stageBlock, outcome.reason);
  if (outcome.status === 'unavailable') return fieldError(stageBlock, 'Could not update the deal right now; please submit again in a minute.');
  return '';
}

/** Asks the workflow to fill the editor; a refusal is shown in the modal instead of a form. */
async function fillDealEditor(
  deps: Pick<ApiDependencies, 'orm' | 'gateway'>,
  tenant: Tenant,
  slack: WebClient,
  request: { recordingId: string; slackUserId: string; viewId: string; dealId?: string },
): Promise<void> {
  const actor = await actorFor(deps.orm, tenant, request.slackUserId);
  const outcome = await deps.gateway.update(tenant, request.recordingId, prepareDealEditorUpdate, { actor, viewId: request.viewId, dealId: request.dealId });
  let problem: string | undefined;
  if (outcome.status === 'rejected') problem = `⚠️ ${outcome.reason}`;
  if (outcome.status === 'unavailable') problem = '⚠️ I could not reach the workflow service. Please close this and try again in a minute.';
  if (!problem) return;
  const notice = dealNoticeView(problem);
  await callSlack(() => slack.views.update({ view_id: request.viewId, view: notice }));
}

function fieldError(block: string, message: string): SubmissionAnswer {
  return { response_action: 'errors', errors: { [block]: message } };
}

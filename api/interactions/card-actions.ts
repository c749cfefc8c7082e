import type { UpdateDefinition } from '@temporalio/common';
import { inTenant } from '../../db/tenant-scope';
import { MeetingRecord, type Tenant } from '../../entities';
import { actionKinds, isRecordingId, type ActionKind, type Actor } from '../../domain/meeting';
import { editModalFields } from '../../slack/action-ids';
import { renderEditModal } from '../../slack/edit-modal';
import { chooseAccountUpdate, editTextsUpdate } from '../../workflows/messages';
import { actorFor } from './actors';
import { afterResponse } from '../http/after-response';
import type { ApiDependencies } from '../http/dependencies';
import { notAMeeting, type UpdateOutcome } from '../meetings/meeting-gateway';
import type { SlackAction } from '../slack/slack-payload';
import { modalOpener, replyEphemeral, type SlackAccess } from '../slack/slack-replies';
import type { SlackClick, SlackSubmission, SubmissionAnswer } from '../slack/slack-request';

/**
 * The meeting card's buttons and selects. Each click becomes a workflow update (or the retry
 * signal); Slack gets its answer as soon as the workflow has accepted or rejected it, and the
 * card is updated by the workflow when the work is done.
 */

/** A click on a meeting card: the meeting it is about, and a way to answer only the clicking user. */
export interface CardClick extends SlackClick {
  recordingId: string;
  reply(text: string): Promise<void>;
}

/** Wraps a card handler: a click that names no meeting has nothing to act on. */
export function onCard(deps: SlackAccess, handle: (card: CardClick) => Promise<void>): (click: SlackClick) => Promise<void> {
  return async (click) => {
    const { tenant, payload } = click;
    const target = { responseUrl: payload.response_url, channelId: payload.container?.channel_id, userId: payload.user.id };
    const recordingId = recordingIdOf(click.action);
    // A button that names no meeting of ours (an old or tampered card) still gets an answer, never silence.
    if (!recordingId) return replyEphemeral(deps, tenant, target, notAMeeting);
    await handle({ ...click, recordingId, reply: (text) => replyEphemeral(deps, tenant, target, text) });
  };
}

/** Log, draft, event, invitations (or none), dismiss, process anyway: one update that only names who clicked. */
export async function requestUpdate<Ret>(
  deps: Pick<ApiDependencies, 'tenants' | 'gateway' | 'logger'>,
  card: CardClick,
  update: UpdateDefinition<Ret, [{ actor: Actor }]>,
): Promise<void> {
  const actor = await deps.tenants.actorFor(card.tenant, card.payload.user.id);
  explainRefusal(deps, card, await deps.gateway.update(card.tenant, card.recordingId, update, { actor }));
}

/** The account picked among the candidates, or found with the search select. */
export async function chooseAccount(deps: Pick<ApiDependencies, 'tenants' | 'gateway' | 'logger'>, card: CardClick): Promise<void> {
  const selected = card.action.selected_option;
  if (!selected) return;
  const actor = await deps.tenants.actorFor(card.tenant, card.payload.user.id);
  const outcome = await deps.gateway.update(card.tenant, card.recordingId, chooseAccountUpdate, {
    actor,
    accountId: selected.value,
    accountName: selected.text?.text ?? selected.value,
  });
  explainRefusal(deps, card, outcome);
}

/** Retry: the button's value names the failed action after the recording id (none: the preparation). */
export async function retryAction(deps: Pick<ApiDependencies, 'orm' | 'gateway'>, card: CardClick): Promise<void> {
  const requested = card.action.value?.split(':')[1];
  const kind = actionKinds.includes(requested as ActionKind) ? (requested as ActionKind) : undefined;
  const actor = await actorFor(deps.orm, card.tenant, card.payload.user.id);
  if (!(await mayActOn(deps, card.tenant, card.recordingId, actor))) {
    return card.reply('Only the rep who recorded this meeting (or a workspace admin) can retry it.');
  }
  await deps.gateway.retry(card.tenant, card.recordingId, actor.slackUserId, kind);
}

/** Only the meeting's rep or an admin may act on it; checked before a form is filled in for nothing. */
export async function mayActOn(deps: Pick<ApiDependencies, 'orm'>, tenant: Tenant, recordingId: string, actor: Actor): Promise<boolean> {
  if (actor.isAdmin) return true;
  const record = await inTenant(deps.orm, tenant.id, (em) => em.findOne(MeetingRecord, { recordingId }));
  return record?.repSlackUserId === actor.slackUserId;
}

/** The card's "Edit": the draft's texts in a modal, the CRM note included, so only for who may act. */
export async function openEditModal(deps: Pick<ApiDependencies, 'orm' | 'secrets' | 'slack'>, card: CardClick): Promise<void> {
  if (!(await mayActOn(deps, card.tenant, card.recordingId, await actorFor(deps.orm, card.tenant, card.payload.user.id)))) {
    return card.reply('Only the rep who recorded this meeting (or a workspace admin) can edit its follow-up.');
  }
  const record = await inTenant(deps.orm, card.tenant.id, (em) => em.findOne(MeetingRecord, { recordingId: card.recordingId }));
  if (!record?.draft) return card.reply('The follow-up is still being prepared; try again in a moment.');
  const modal = await modalOpener(deps, card.tenant, card.payload.trigger_id, card.reply);
  await modal?.open(renderEditModal(card.recordingId, record.draft));
}

/** The edit modal's Save: the workflow's refusal stays on the field it is about, input kept. */
export async function submitEditedTexts(deps: Pick<ApiDependencies, 'orm' | 'gateway'>, submission: SlackSubmission): Promise<SubmissionAnswer> {
  const { view, tenant } = submission;
  const recordingId = view.private_metadata ?? '';
  const values = view.state?.values ?? {};
  const read = (field: keyof typeof editModalFields): string | undefined =>
    values[editModalFields[field].block]?.[editModalFields[field].action]?.value ?? undefined;
  const actor = await actorFor(deps.orm, tenant, submission.payload.user.id);
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

/** The explanation goes out after Slack has its answer: the click's outcome is already decided. */
function explainRefusal(deps: Pick<ApiDependencies, 'logger'>, card: CardClick, outcome: UpdateOutcome): void {
  if (outcome.status === 'rejected') afterResponse(card.ctx, deps.logger, 'Explaining a refused click', () => card.reply(`⚠️ ${outcome.reason}`));
  if (outcome.status === 'unavailable') {
    afterResponse(card.ctx, deps.logger, 'Explaining an unavailable service', () => card.reply('⚠️ I could not reach the workflow service. Please try again in a minute.'));
  }
}

/**
 * Buttons carry the recording id in their value; selects carry it in their block id. Fathom's
 * recording ids are numbers: anything else is no card of ours and never names a workflow.
 */
function recordingIdOf(action: SlackAction): string | undefined {
  const candidate = action.block_id?.startsWith('account:') ? action.block_id.slice('account:'.length) : action.value?.split(':')[0];
  return candidate && isRecordingId(candidate) ? candidate : undefined;
}

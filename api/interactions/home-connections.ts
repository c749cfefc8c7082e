import { callSlack } from '../../clients/slack-client';
import { crmProviderNames, type CrmProviderName } from '../../domain/crm';
import { connectModals } from '../../slack/action-ids';
import { renderCronoKeysModal, renderFathomKeyModal } from '../../slack/connect-modals';
import type { ViewValues } from '../../slack/settings-modal';
import { actorFor } from './actors';
import type { HomeChange } from './publish-app-home';
import { removeCrmConnection, removeRepConnection } from '../connections/connections-store';
import { connectCronoByKeys, connectFathomByKey, type KeyCheck } from '../connections/key-connections';
import type { ApiDependencies } from '../http/dependencies';
import type { SlackClick, SlackSubmission, SubmissionAnswer } from '../slack/slack-request';
import { slackClientForTenant, type SlackAccess } from '../slack/slack-replies';

/**
 * App Home's Connect and Disconnect buttons, and the modals where a key is pasted. OAuth Connect
 * buttons are links: their click only needs the acknowledgement, so they have no handler here.
 * Each handler says whether the connections changed, so App Home can be republished.
 */

/** Fathom's and Crono's Connect buttons open the key modal; Crono's only for admins, to whom alone it is shown. */
export async function openKeyModal(deps: Pick<ApiDependencies, 'orm'> & SlackAccess, click: SlackClick, service: 'fathom' | 'crono'): Promise<void> {
  const { tenant, payload } = click;
  if (!payload.trigger_id) return;
  if (service === 'crono' && !(await actorFor(deps.orm, tenant, payload.user.id)).isAdmin) return;
  const slack = await slackClientForTenant(deps, tenant);
  if (!slack) return;
  const view = service === 'crono' ? renderCronoKeysModal() : renderFathomKeyModal();
  await callSlack(() => slack.views.open({ trigger_id: payload.trigger_id!, view }));
}

export async function submitFathomKey(
  deps: Pick<ApiDependencies, 'orm' | 'secrets' | 'logger' | 'fathomApiUrl' | 'publicUrl' | 'slack' | 'now'>,
  submission: SlackSubmission,
): Promise<HomeChange<SubmissionAnswer>> {
  const field = connectModals.fathom.apiKey;
  const apiKey = textOf(submission, field);
  if (!apiKey) return fieldError(field.block, 'Paste your Fathom API key.');
  return answerFor(field.block, await connectFathomByKey(deps, submission.tenant.id, submission.payload.user.id, apiKey));
}

export async function submitCronoKeys(
  deps: Pick<ApiDependencies, 'orm' | 'secrets' | 'logger' | 'connections'>,
  submission: SlackSubmission,
): Promise<HomeChange<SubmissionAnswer>> {
  const { tenant, payload } = submission;
  const { apiKey: keyField, apiSecret: secretField } = connectModals.crono;
  if (!(await actorFor(deps.orm, tenant, payload.user.id)).isAdmin) return fieldError(keyField.block, 'Only workspace admins can connect a CRM.');
  const apiKey = textOf(submission, keyField);
  const apiSecret = textOf(submission, secretField);
  if (!apiKey || !apiSecret) {
    const errors = { ...(apiKey ? {} : { [keyField.block]: 'Paste the public key.' }), ...(apiSecret ? {} : { [secretField.block]: 'Paste the private key.' }) };
    return { answer: { response_action: 'errors', errors }, changed: false };
  }
  return answerFor(keyField.block, await connectCronoByKeys(deps, tenant.id, payload.user.id, { apiKey, apiSecret }));
}

/**
 * A rep removes their own Fathom or Google connection, an admin one of the workspace's CRMs (the
 * button is only shown to admins; the role is checked again here). Credentials are deleted at once.
 */
export async function disconnect(
  deps: Pick<ApiDependencies, 'orm' | 'secrets' | 'logger'>,
  click: SlackClick,
  service: 'fathom' | 'google' | 'crm',
): Promise<HomeChange<void>> {
  const { tenant, action } = click;
  const slackUserId = click.payload.user.id;
  let removed = false;
  if (service !== 'crm') removed = await removeRepConnection(deps, tenant.id, slackUserId, service);
  else {
    const provider = crmProviderNames.find((name) => name === action.value) as CrmProviderName | undefined;
    if (provider && (await actorFor(deps.orm, tenant, slackUserId)).isAdmin) removed = await removeCrmConnection(deps, tenant.id, slackUserId, provider);
  }
  if (removed) deps.logger.info('Connection removed', { tenantId: tenant.id, action: action.action_id, provider: action.value });
  return { answer: undefined, changed: removed };
}

function textOf(submission: SlackSubmission, field: { block: string; action: string }): string {
  const values = (submission.view.state?.values ?? {}) as ViewValues;
  return (values[field.block]?.[field.action]?.value ?? '').trim();
}

function answerFor(block: string, check: KeyCheck): HomeChange<SubmissionAnswer> {
  return check.connected ? { answer: '', changed: true } : fieldError(block, check.problem);
}

function fieldError(block: string, message: string): HomeChange<SubmissionAnswer> {
  return { answer: { response_action: 'errors', errors: { [block]: message } }, changed: false };
}

import { CronoClient } from '../../clients/crm/crono-client';
import { ExternalServiceError } from '../../domain/service-errors';
import { createFathomClient } from '../../clients/fathom-client';
import { registerFathomWebhook } from '../../clients/fathom-webhooks';
import type { MeetingSourceCredentials } from '../../clients/meeting-source';
import { callSlack } from '../../clients/slack-client';
import type { Tenant } from '../../entities';
import { connectActions, connectModals } from '../../slack/action-ids';
import { renderCronoKeysModal, renderFathomKeyModal } from '../../slack/connect-modals';
import type { ViewValues } from '../../slack/settings-modal';
import { actorFor } from './actors';
import { saveCrmConnection, saveFathomConnection, userFor } from '../connections/connections-store';
import type { ApiDependencies } from '../http/dependencies';
import type { SlackInteraction } from '../slack/slack-payload';
import { slackClientForTenant } from '../slack/slack-replies';

/**
 * Connections made by pasting keys in a modal: a rep's Fathom API key, an admin's Crono key pair.
 * A key is tried against the service before it is stored, so a typo is an error on the field
 * (the modal stays open) instead of a failure at the next meeting.
 */
export type KeySubmission = { answer: Record<string, unknown> | ''; connected: boolean };

const validationTimeoutMs = 8_000;

const connectButtonIds = new Set<string>(Object.values(connectActions));

export function isConnectButton(actionId: string): boolean {
  return connectButtonIds.has(actionId);
}

/**
 * A Connect button was clicked: key connections open their modal (Crono's only for admins, to
 * whom alone it is shown); OAuth ones are links, whose click only needs the acknowledgement.
 */
export async function openKeyModal(deps: ApiDependencies, tenant: Tenant, payload: SlackInteraction, actionId: string): Promise<void> {
  if (!payload.trigger_id || (actionId !== connectActions.fathom && actionId !== connectActions.crono)) return;
  const isCrono = actionId === connectActions.crono;
  if (isCrono && !(await actorFor(deps.orm, tenant, payload.user.id)).isAdmin) return;
  const slack = await slackClientForTenant(deps, tenant);
  if (!slack) return;
  const view = isCrono ? renderCronoKeysModal() : renderFathomKeyModal();
  await callSlack(() => slack.views.open({ trigger_id: payload.trigger_id!, view: view as never }));
}

/** The answer to a key modal's submission; undefined when the submission is not one of them. */
export async function submitKeyModal(deps: ApiDependencies, tenant: Tenant, payload: SlackInteraction): Promise<KeySubmission | undefined> {
  const callbackId = payload.view?.callback_id;
  if (callbackId === connectModals.fathom.callback) return submitFathomKey(deps, tenant, payload);
  if (callbackId === connectModals.crono.callback) return submitCronoKeys(deps, tenant, payload);
  return undefined;
}

async function submitFathomKey(deps: ApiDependencies, tenant: Tenant, payload: SlackInteraction): Promise<KeySubmission> {
  const field = connectModals.fathom.apiKey;
  const apiKey = textOf(payload, field);
  if (!apiKey) return fieldError(field.block, 'Paste your Fathom API key.');
  const credentials: MeetingSourceCredentials = { type: 'apiKey', apiKey };
  const user = await userFor(deps, tenant.id, payload.user.id);
  try {
    await createFathomClient({ credentials, baseUrl: deps.fathomApiUrl, requestTimeoutMs: validationTimeoutMs }).listMeetings({});
    const webhook = await registerFathomWebhook({ baseUrl: deps.fathomApiUrl, credentials, destinationUrl: `${deps.publicUrl}/webhooks/fathom/${user.id}` });
    await saveFathomConnection(deps, user, credentials, webhook);
  } catch (error) {
    return serviceRefused(deps, error, field.block, 'Fathom', { tenantId: tenant.id });
  }
  deps.logger.info('Fathom connected', { tenantId: tenant.id });
  return { answer: '', connected: true };
}

async function submitCronoKeys(deps: ApiDependencies, tenant: Tenant, payload: SlackInteraction): Promise<KeySubmission> {
  const { apiKey: keyField, apiSecret: secretField } = connectModals.crono;
  if (!(await actorFor(deps.orm, tenant, payload.user.id)).isAdmin) return fieldError(keyField.block, 'Only workspace admins can connect a CRM.');
  const apiKey = textOf(payload, keyField);
  const apiSecret = textOf(payload, secretField);
  if (!apiKey || !apiSecret) {
    return { answer: { response_action: 'errors', errors: { ...(apiKey ? {} : { [keyField.block]: 'Paste the public key.' }), ...(apiSecret ? {} : { [secretField.block]: 'Paste the private key.' }) } }, connected: false };
  }
  const cronoApiUrl = deps.connections?.cronoApiUrl;
  if (!cronoApiUrl) return fieldError(keyField.block, 'Connecting Crono is not offered on this server.');
  try {
    await new CronoClient({ baseUrl: cronoApiUrl, apiKey, apiSecret, timeoutMs: validationTimeoutMs }).listAccounts({ limit: 1, offset: 0 });
    await saveCrmConnection(deps, tenant.id, payload.user.id, 'crono', { type: 'apiKey', apiKey, apiSecret });
  } catch (error) {
    return serviceRefused(deps, error, keyField.block, 'Crono', { tenantId: tenant.id });
  }
  deps.logger.info('Crono connected', { tenantId: tenant.id });
  return { answer: '', connected: true };
}

function textOf(payload: SlackInteraction, field: { block: string; action: string }): string {
  const values = (payload.view?.state?.values ?? {}) as ViewValues;
  return (values[field.block]?.[field.action]?.value ?? '').trim();
}

function fieldError(block: string, message: string): KeySubmission {
  return { answer: { response_action: 'errors', errors: { [block]: message } }, connected: false };
}

function serviceRefused(deps: ApiDependencies, error: unknown, block: string, service: string, context: Record<string, unknown>): KeySubmission {
  if (!(error instanceof ExternalServiceError)) throw error;
  deps.logger.warn(`${service} key refused or not checked`, { ...context, error });
  if (error.kind === 'reconnect') return fieldError(block, `${service} did not accept this key. Check it and paste it again.`);
  if (error.kind === 'retryable') return fieldError(block, `${service} did not answer. Please try again in a minute.`);
  return fieldError(block, `${service} refused the connection: ${error.userMessage}`);
}

import { CronoClient } from '../../clients/crm/crono-client';
import { createFathomClient } from '../../clients/fathom-client';
import { registerFathomWebhook } from '../../clients/fathom-webhooks';
import type { MeetingSourceCredentials } from '../../clients/meeting-source';
import { ExternalServiceError } from '../../domain/service-errors';
import { saveCrmConnection, saveFathomConnection, userFor } from './connections-store';
import type { ApiDependencies } from '../http/dependencies';

/**
 * Connections made by pasting keys: a rep's Fathom API key, an admin's Crono key pair. A key is
 * tried against the service before it is stored, so a typo is refused at once (the rep can
 * correct it) instead of failing at the next meeting.
 */
export type KeyCheck = { connected: true } | { connected: false; problem: string };

const validationTimeoutMs = 8_000;

/** Lists the rep's meetings with the key, registers the rep's webhook, then stores both. */
export async function connectFathomByKey(
  deps: Pick<ApiDependencies, 'orm' | 'secrets' | 'logger' | 'fathomApiUrl' | 'publicUrl' | 'slack' | 'now'>,
  tenantId: string,
  slackUserId: string,
  apiKey: string,
): Promise<KeyCheck> {
  const credentials: MeetingSourceCredentials = { type: 'apiKey', apiKey };
  const user = await userFor(deps, tenantId, slackUserId);
  try {
    await createFathomClient({ credentials, repEmail: null, baseUrl: deps.fathomApiUrl, requestTimeoutMs: validationTimeoutMs }).listMeetings({});
    const webhook = await registerFathomWebhook({ baseUrl: deps.fathomApiUrl, credentials, destinationUrl: `${deps.publicUrl}/webhooks/fathom/${user.id}` });
    await saveFathomConnection(deps, user, credentials, webhook);
  } catch (error) {
    return serviceRefused(deps, error, 'Fathom', { tenantId });
  }
  deps.logger.info('Fathom connected', { tenantId });
  return { connected: true };
}

/** Reads one account with the key pair, then makes Crono the workspace's default CRM. */
export async function connectCronoByKeys(
  deps: Pick<ApiDependencies, 'orm' | 'secrets' | 'logger' | 'connections'>,
  tenantId: string,
  slackUserId: string,
  keys: { apiKey: string; apiSecret: string },
): Promise<KeyCheck> {
  const cronoApiUrl = deps.connections?.cronoApiUrl;
  if (!cronoApiUrl) return { connected: false, problem: 'Connecting Crono is not offered on this server.' };
  try {
    await new CronoClient({ baseUrl: cronoApiUrl, ...keys, timeoutMs: validationTimeoutMs }).listAccounts({ limit: 1, offset: 0 });
    await saveCrmConnection(deps, tenantId, slackUserId, 'crono', { type: 'apiKey', ...keys });
  } catch (error) {
    return serviceRefused(deps, error, 'Crono', { tenantId });
  }
  deps.logger.info('Crono connected', { tenantId });
  return { connected: true };
}

function serviceRefused(deps: Pick<ApiDependencies, 'logger'>, error: unknown, service: string, context: Record<string, unknown>): KeyCheck {
  if (!(error instanceof ExternalServiceError)) throw error;
  deps.logger.warn(`${service} key refused or not checked`, { ...context, error });
  if (error.kind === 'reconnect') return { connected: false, problem: `${service} did not accept this key. Check it and paste it again.` };
  if (error.kind === 'retryable') return { connected: false, problem: `${service} did not answer. Please try again in a minute.` };
  return { connected: false, problem: `${service} refused the connection: ${error.userMessage}` };
}

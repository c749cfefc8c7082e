/**
 * Registers a rep's Fathom webhook (`POST /webhooks`), so Fathom posts each new recording with
 * its transcript to us. The answer carries the secret Fathom signs deliveries with. Deletes it
 * (`DELETE /webhooks/{id}`) when the workspace removes the app.
 */
import { ExternalServiceError, errorFromHttpStatus, errorFromNetworkFailure, parseRetryAfter } from '../domain/service-errors';
import type { MeetingSourceCredentials } from './meeting-source';

export interface RegisteredFathomWebhook {
  id: string;
  secret: string;
}

const requestTimeoutMs = 10_000;

export async function registerFathomWebhook(options: {
  baseUrl: string;
  credentials: MeetingSourceCredentials;
  destinationUrl: string;
}): Promise<RegisteredFathomWebhook> {
  const auth = authHeaders(options.credentials);
  let response: Response;
  try {
    response = await fetch(`${options.baseUrl.replace(/\/+$/, '')}/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...auth },
      body: JSON.stringify({
        destination_url: options.destinationUrl,
        include_transcript: true,
        include_summary: false,
        include_action_items: false,
        include_crm_matches: false,
        triggered_for: ['my_recordings'],
      }),
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
  } catch (error) {
    throw errorFromNetworkFailure('fathom', error);
  }
  const text = await response.text().catch(() => '');
  if (!response.ok) {
    throw errorFromHttpStatus('fathom', response.status, { detail: `webhook registration HTTP ${response.status}`, retryAfterMs: parseRetryAfter(response.headers.get('retry-after')) });
  }
  let body: { id?: unknown; secret?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // Checked below.
  }
  if (typeof body.id !== 'string' || typeof body.secret !== 'string' || !body.secret) {
    throw new ExternalServiceError({
      service: 'fathom',
      kind: 'retryable',
      status: response.status,
      detail: 'webhook registration answered without id and secret',
      userMessage: 'Fathom sent an unreadable answer; please try again.',
    });
  }
  return { id: body.id, secret: body.secret };
}

/** 'already-gone' when Fathom no longer has it (404): the goal is reached. */
export async function deleteFathomWebhook(options: { baseUrl: string; credentials: MeetingSourceCredentials; webhookId: string }): Promise<'deleted' | 'already-gone'> {
  let response: Response;
  try {
    response = await fetch(`${options.baseUrl.replace(/\/+$/, '')}/webhooks/${encodeURIComponent(options.webhookId)}`, {
      method: 'DELETE',
      headers: { accept: 'application/json', ...authHeaders(options.credentials) },
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
    await response.text();
  } catch (error) {
    throw errorFromNetworkFailure('fathom', error);
  }
  if (response.ok) return 'deleted';
  if (response.status === 404) return 'already-gone';
  throw errorFromHttpStatus('fathom', response.status, { detail: `webhook deletion HTTP ${response.status}`, retryAfterMs: parseRetryAfter(response.headers.get('retry-after')) });
}

function authHeaders(credentials: MeetingSourceCredentials): Record<string, string> {
  return credentials.type === 'apiKey' ? { 'X-Api-Key': credentials.apiKey } : { Authorization: `Bearer ${credentials.accessToken}` };
}

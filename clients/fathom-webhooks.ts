/**
 * Registers a rep's Fathom webhook (`POST /webhooks`), so Fathom posts each new recording with
 * its transcript to us. The answer carries the secret Fathom signs deliveries with.
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
  const auth: Record<string, string> =
    options.credentials.type === 'apiKey' ? { 'X-Api-Key': options.credentials.apiKey } : { Authorization: `Bearer ${options.credentials.accessToken}` };
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

import {
  ExternalServiceError,
  errorFromHttpStatus,
  errorFromNetworkFailure,
  parseRetryAfter,
  serviceDisplayName,
  type ExternalService,
} from '../../domain/service-errors';

/** The fields CRM token endpoints answer with (RFC 6749 plus provider extras). */
export interface OAuthTokenResponse {
  access_token: string;
  refresh_token?: string;
  expires_in?: number;
  /** Salesforce: the org's API host. */
  instance_url?: string;
  /** Pipedrive: the company's API host. */
  api_domain?: string;
}

export interface OAuthTokenRequest {
  service: ExternalService;
  url: string;
  form: Record<string, string>;
  headers?: Record<string, string>;
  timeoutMs: number;
}

/**
 * Posts a refresh grant to a token endpoint. A grant the server refuses (invalid_grant,
 * invalid_client: 400/401/403) can only be fixed by reconnecting; an outage or rate limit of
 * the token endpoint is transient and must not make the rep reconnect.
 */
export async function requestOAuthToken(request: OAuthTokenRequest): Promise<OAuthTokenResponse> {
  const { service } = request;
  let status: number;
  let retryAfter: string | null;
  let text: string;
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...request.headers },
      body: new URLSearchParams(request.form),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    status = response.status;
    retryAfter = response.headers.get('retry-after');
    text = await response.text();
  } catch (error) {
    throw errorFromNetworkFailure(service, error);
  }

  const body = parseJsonObject(text);
  const errorCode = typeof body?.error === 'string' ? body.error : undefined;
  const detail = `token refresh HTTP ${status}${errorCode ? ` ${errorCode}` : ''}`;
  if (status === 400 || status === 401 || status === 403) {
    const name = serviceDisplayName(service);
    throw new ExternalServiceError({
      service,
      kind: 'reconnect',
      status,
      detail,
      userMessage: `${name} access has expired or was revoked. Reconnect ${name} and retry.`,
    });
  }
  if (status < 200 || status >= 300) {
    throw errorFromHttpStatus(service, status, { detail, retryAfterMs: parseRetryAfter(retryAfter) });
  }
  if (typeof body?.access_token !== 'string') {
    throw new ExternalServiceError({
      service,
      kind: 'retryable',
      status,
      detail: 'token refresh answered without an access_token',
      userMessage: `${serviceDisplayName(service)} sent an unreadable sign-in response; it will be retried automatically.`,
    });
  }
  return body as unknown as OAuthTokenResponse;
}

/** Epoch ms at which a token issued now with `expires_in` seconds stops working. */
export function expiresAtFrom(expiresInSeconds: number | undefined, now: number = Date.now()): number | undefined {
  return typeof expiresInSeconds === 'number' && expiresInSeconds > 0 ? now + expiresInSeconds * 1000 : undefined;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export interface OAuthRevocationRequest {
  service: ExternalService;
  url: string;
  method: 'POST' | 'DELETE';
  form?: Record<string, string>;
  headers?: Record<string, string>;
  timeoutMs: number;
}

/**
 * Asks a provider to revoke a token. 'already-invalid' when it answers that the token is unknown,
 * expired or revoked (RFC 7009 providers answer 400 for those; HubSpot 404): the goal is reached.
 * Other failures throw, classified like any other call.
 */
export async function revokeOAuthToken(request: OAuthRevocationRequest): Promise<'revoked' | 'already-invalid'> {
  let status: number;
  let retryAfter: string | null;
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: { accept: 'application/json', ...(request.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...request.headers },
      ...(request.form ? { body: new URLSearchParams(request.form) } : {}),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    status = response.status;
    retryAfter = response.headers.get('retry-after');
    await response.text();
  } catch (error) {
    throw errorFromNetworkFailure(request.service, error);
  }
  if (status >= 200 && status < 300) return 'revoked';
  if (status === 400 || status === 404) return 'already-invalid';
  throw errorFromHttpStatus(request.service, status, { detail: `token revocation HTTP ${status}`, retryAfterMs: parseRetryAfter(retryAfter) });
}

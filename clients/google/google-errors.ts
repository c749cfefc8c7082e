import {
  ExternalServiceError,
  errorFromHttpStatus,
  errorFromNetworkFailure,
  parseRetryAfter,
  serviceDisplayName,
  type ExternalService,
} from '../../domain/service-errors';

/**
 * Turns whatever the Google clients throw (gaxios errors from the API or the token endpoint,
 * network failures) into ExternalServiceError. Details carry status, reason and Google's message
 * only: never headers or request bodies, which hold tokens and email content.
 */
export type GoogleApiService = Extract<ExternalService, 'gmail' | 'calendar'>;

export const reconnectGoogleMessage = 'Google access expired. Reconnect Google in App Home and retry.';
const missingScopeMessage = 'Google access is missing a permission this needs. Reconnect Google in App Home and retry.';

/** 403 reasons that mean "slow down", not "forbidden" (Gmail and Calendar usage limits). */
const rateLimitReasons = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded', 'RATE_LIMIT_EXCEEDED']);
/** 403 reasons that a new consent fixes. */
const scopeReasons = new Set(['insufficientPermissions', 'ACCESS_TOKEN_SCOPE_INSUFFICIENT', 'authError']);

/** The parts of a gaxios error we read; duck-typed because two gaxios copies are installed. */
interface HttpFailure {
  config?: { url?: string | URL };
  response?: { status: number; headers?: unknown; data?: unknown };
}

interface GoogleApiErrorBody {
  error?: { message?: string; status?: string; errors?: { reason?: string }[]; details?: { reason?: string }[] };
}

interface OAuthErrorBody {
  error?: string;
  error_description?: string;
}

export function googleFailureStatus(error: unknown): number | undefined {
  return (error as HttpFailure | null)?.response?.status;
}

export function toGoogleServiceError(error: unknown, service: GoogleApiService, tokenUrl: string): ExternalServiceError {
  if (error instanceof ExternalServiceError) return error;
  const failure = error as HttpFailure | null;
  if (!failure?.config) return unexpectedFailure(service, error);
  if (String(failure.config.url ?? '').startsWith(tokenUrl)) return tokenEndpointError(failure, error);
  if (!failure.response) return errorFromNetworkFailure(service, error);
  return apiError(service, failure.response);
}

function apiError(service: GoogleApiService, response: NonNullable<HttpFailure['response']>): ExternalServiceError {
  const { status } = response;
  const body = (isObject(response.data) ? response.data : {}) as GoogleApiErrorBody;
  const reasons = [...(body.error?.errors ?? []), ...(body.error?.details ?? [])].flatMap((entry) => (entry.reason ? [entry.reason] : []));
  const detail = truncate(`HTTP ${status}${reasons.length ? ` ${reasons.join(',')}` : ''}: ${body.error?.message ?? 'no message'}`);
  const retryAfterMs = parseRetryAfter(headerValue(response.headers, 'retry-after'));
  const name = serviceDisplayName(service);

  if (status === 401) {
    // The caller already refreshed once and retried; the grant itself is gone.
    return new ExternalServiceError({ service, kind: 'reconnect', status, detail, userMessage: reconnectGoogleMessage });
  }
  if (status === 403) {
    if (reasons.some((reason) => rateLimitReasons.has(reason)) || body.error?.status === 'RESOURCE_EXHAUSTED') {
      return new ExternalServiceError({
        service,
        kind: 'retryable',
        status,
        detail,
        retryAfterMs,
        userMessage: `${name} is rate limiting requests; it will be retried automatically.`,
      });
    }
    if (reasons.some((reason) => scopeReasons.has(reason))) {
      return new ExternalServiceError({ service, kind: 'reconnect', status, detail, userMessage: missingScopeMessage });
    }
    return new ExternalServiceError({ service, kind: 'invalid', status, detail, userMessage: `${name} refused this change.` });
  }
  if (status === 410) return errorFromHttpStatus(service, 404, { detail });
  return errorFromHttpStatus(service, status, { detail, retryAfterMs });
}

function tokenEndpointError(failure: HttpFailure, error: unknown): ExternalServiceError {
  const service = 'google-oauth';
  if (!failure.response) return errorFromNetworkFailure(service, error);
  const { status } = failure.response;
  const body = (isObject(failure.response.data) ? failure.response.data : {}) as OAuthErrorBody;
  const detail = truncate(`token endpoint HTTP ${status} ${body.error ?? ''}: ${body.error_description ?? 'no description'}`);
  if (body.error === 'invalid_grant') {
    return new ExternalServiceError({ service, kind: 'reconnect', status, detail, userMessage: reconnectGoogleMessage });
  }
  if (body.error === 'invalid_client' || body.error === 'unauthorized_client') {
    return new ExternalServiceError({
      service,
      kind: 'invalid',
      status,
      detail,
      userMessage: 'Google rejected this app’s credentials. Ask your workspace admin to check the Google integration.',
    });
  }
  return errorFromHttpStatus(service, status, { detail, retryAfterMs: parseRetryAfter(headerValue(failure.response.headers, 'retry-after')) });
}

function unexpectedFailure(service: GoogleApiService, error: unknown): ExternalServiceError {
  return new ExternalServiceError({
    service,
    kind: 'retryable',
    userMessage: `${serviceDisplayName(service)} failed unexpectedly; it will be retried automatically.`,
    detail: truncate(error instanceof Error ? `${error.name}: ${error.message}` : String(error)),
  });
}

/** gaxios hands over node-fetch's Headers (not the global class), so it is read by shape. */
function headerValue(headers: unknown, name: string): string | undefined {
  const get = isObject(headers) ? (headers as { get?: unknown }).get : undefined;
  if (typeof get !== 'function') return undefined;
  const value: unknown = get.call(headers, name);
  return typeof value === 'string' ? value : undefined;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function truncate(text: string): string {
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

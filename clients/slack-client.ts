import {
  ErrorCode,
  LogLevel,
  WebClient,
  type WebAPIHTTPError,
  type WebAPIPlatformError,
  type WebAPIRateLimitedError,
} from '@slack/web-api';
import { ExternalServiceError, errorFromHttpStatus, errorFromNetworkFailure } from '../domain/service-errors';

/**
 * A Slack Web API client for one workspace's bot token. The SDK's own retry queue is off
 * (retries would hide inside one activity attempt); a 429 surfaces at once with its
 * Retry-After so the activity's retry policy owns the wait.
 */
export function createSlackClient(options: { token: string; apiUrl: string }): WebClient {
  return new WebClient(options.token, {
    slackApiUrl: options.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logLevel: LogLevel.ERROR,
    timeout: 10_000,
  });
}

/** Slack platform errors that mean the workspace must reinstall or reauthorise the app. */
const reconnectErrors = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive', 'missing_scope']);

/** Maps whatever @slack/web-api threw onto the shared error type. */
export function slackError(error: unknown): ExternalServiceError {
  if (error instanceof ExternalServiceError) return error;
  const code = (error as { code?: string } | null)?.code;
  if (code === ErrorCode.RateLimitedError) {
    const retryAfterSeconds = (error as WebAPIRateLimitedError).retryAfter;
    return errorFromHttpStatus('slack', 429, { retryAfterMs: retryAfterSeconds * 1000, detail: 'ratelimited' });
  }
  if (code === ErrorCode.HTTPError) {
    return errorFromHttpStatus('slack', (error as WebAPIHTTPError).statusCode);
  }
  if (code === ErrorCode.PlatformError) {
    const platformError = (error as WebAPIPlatformError).data.error;
    if (platformError === 'ratelimited') return errorFromHttpStatus('slack', 429, { detail: platformError });
    if (reconnectErrors.has(platformError)) {
      return new ExternalServiceError({
        service: 'slack',
        kind: 'reconnect',
        userMessage: 'Slack no longer accepts this app’s token. Reinstall the app for this workspace.',
        detail: platformError,
      });
    }
    if (['message_not_found', 'channel_not_found', 'user_not_found'].includes(platformError)) {
      return new ExternalServiceError({ service: 'slack', kind: 'not-found', userMessage: 'Slack could not find that message or channel.', detail: platformError });
    }
    if (['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout'].includes(platformError)) {
      return errorFromHttpStatus('slack', 503, { detail: platformError });
    }
    return new ExternalServiceError({ service: 'slack', kind: 'invalid', userMessage: 'Slack rejected the message.', detail: platformError });
  }
  return errorFromNetworkFailure('slack', error);
}

/** Runs one Slack call and rethrows failures as ExternalServiceError. */
export async function callSlack<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw slackError(error);
  }
}

import {
  ErrorCode,
  LogLevel,
  WebClient,
  type WebAPIHTTPError,
  type WebAPIPlatformError,
  type WebAPICallResult,
  type WebAPIRateLimitedError,
  type WebClientOptions,
} from '@slack/web-api';
import { ExternalServiceError, errorFromHttpStatus, errorFromNetworkFailure } from '../domain/service-errors';
import { InProcessRateLimitStore } from './in-process-rate-limit-store';
import { passRateLimit, rateLimitKey, type BucketRate, type RateLimitGate, type RateLimitStore } from './rate-limit-store';
import { slackMethodRate, slackPostMessagePerChannelRate } from './service-rate-limits';

/**
 * A Slack Web API client for one workspace's bot token. The SDK's own retry queue is off
 * (retries would hide inside one activity attempt); a 429 surfaces at once with its
 * Retry-After so the activity's retry policy owns the wait.
 *
 * Every call first passes the workspace's shared bucket for its method (chat.postMessage: for its
 * channel), and a 429 pauses that bucket for every process. Calls carrying a `trigger_id`
 * (views.open/push on a click) skip the bucket: Slack voids the trigger after 3 s, so waiting
 * or deferring would lose the modal for sure, while one human's clicks stay far below Tier 4.
 */
export function createSlackClient(options: {
  token: string;
  apiUrl: string;
  rateLimits?: RateLimitStore;
  maxRateLimitWaitMs?: number;
  /** Slack answered that the token no longer works (a client kept for reuse must be dropped). */
  onTokenRefused?: () => void;
}): WebClient {
  const gate = { store: options.rateLimits ?? new InProcessRateLimitStore(), maxWaitMs: options.maxRateLimitWaitMs ?? defaultMaxRateLimitWaitMs };
  return new RateLimitedWebClient(options.token, gate, options.onTokenRefused ?? (() => {}), {
    slackApiUrl: options.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logLevel: LogLevel.ERROR,
    timeout: 10_000,
  });
}

/** Longer waits become the activity's retry delay, so no worker slot sleeps through them. */
const defaultMaxRateLimitWaitMs = 2_000;

class RateLimitedWebClient extends WebClient {
  constructor(
    private readonly botToken: string,
    private readonly gate: RateLimitGate,
    private readonly onTokenRefused: () => void,
    options: WebClientOptions,
  ) {
    super(botToken, options);
  }

  override async apiCall(method: string, options?: Record<string, unknown>): Promise<WebAPICallResult> {
    const bucket = options?.trigger_id === undefined ? this.bucketFor(method, options) : undefined;
    if (bucket) {
      await passRateLimit(this.gate, {
        service: 'slack',
        ...bucket,
        userMessage: 'Slack is busy for this workspace; it will be retried automatically.',
      });
    }
    try {
      return await super.apiCall(method, options);
    } catch (error) {
      const code = (error as { code?: string } | null)?.code;
      if (bucket && code === ErrorCode.RateLimitedError) {
        await this.gate.store.pause(bucket.key, bucket.rate, (error as WebAPIRateLimitedError).retryAfter * 1000);
      }
      if (code === ErrorCode.PlatformError && reconnectErrors.has((error as WebAPIPlatformError).data.error)) this.onTokenRefused();
      throw error;
    }
  }

  private bucketFor(method: string, options: Record<string, unknown> | undefined): { key: string; rate: BucketRate } | undefined {
    if (method === 'chat.postMessage' && typeof options?.channel === 'string') {
      return { key: rateLimitKey('slack', `chat.postMessage:${options.channel}`, this.botToken), rate: slackPostMessagePerChannelRate };
    }
    const rate = slackMethodRate(method);
    return rate && { key: rateLimitKey('slack', method, this.botToken), rate };
  }
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

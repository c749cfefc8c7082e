/**
 * Claude writes the follow-up through one forced tool call (`record_follow_up`), so the answer
 * is structured data validated against the tool's schema, never parsed prose. The SDK does not
 * retry (maxRetries 0): Temporal owns retries, and every failure leaves as an ExternalServiceError
 * that says whether another attempt can help.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type * as AnthropicModule from '@anthropic-ai/sdk';
import type { APIError } from '@anthropic-ai/sdk';

/** The SDK, loaded at the first draft: loading it costs the worker's start-up about half a second. */
type AnthropicSdk = typeof AnthropicModule;
import { ExternalServiceError, parseRetryAfter } from '../domain/service-errors';
import { anthropicPauseMs, parseAnthropicRateLimits } from './anthropic-rate-limit-headers';
import { buildFollowUpPrompt, followUpPromptVersion } from './follow-up-prompt';
import { InProcessRateLimitStore } from './in-process-rate-limit-store';
import { rateLimitHolder } from './rate-limit-holder';
import { bucketForWindow, passRateLimit, rateLimitKey, type BucketRate, type RateLimitStore } from './rate-limit-store';
import { anthropicDefaultRequestsPerMinute } from './service-rate-limits';
import { followUpTool, followUpToolName, invalidDraftError, readFollowUpToolInput } from './follow-up-tool';
import type { FollowUpRequest, FollowUpWriter, WrittenFollowUp } from './follow-up-writer';

export interface AnthropicFollowUpWriterOptions {
  apiKey: string;
  /** Without `/v1`; the SDK appends `/v1/messages`. Tests point it at the emulator. */
  baseURL?: string;
  model?: string;
  /** Estimated input tokens (system + tool + message) a request may use; long transcripts are trimmed to fit. */
  maxInputTokens?: number;
  timeoutMs?: number;
  /** The shared buckets (the worker's PostgreSQL store); defaults to the client's own. */
  rateLimits?: RateLimitStore;
}

export const defaultFollowUpModel = 'claude-sonnet-5-5';
const defaultMaxInputTokens = 150_000;
/** Below this the fixed prompt parts leave no useful room for a transcript. */
const minimumInputTokens = 6_000;
const defaultTimeoutMs = 120_000;
/** The tool input is ~3k tokens in English; other languages and headroom make it 8k. */
const maxOutputTokens = 8_192;

/** Longer waits become the activity's retry delay, so no worker slot sleeps through them. */
const maxRateLimitWaitMs = 2_000;
const minuteMs = 60_000;
const tenantShareOfRequests = 0.5;
const rateLimitedMessage = 'Claude’s rate limit is used up for now; the draft will be written shortly.';

const misconfiguredMessage = 'AI drafting is misconfigured (API key rejected); an operator must fix it.';

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const milliseconds = Number(headers?.get('retry-after-ms') ?? NaN);
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  return parseRetryAfter(headers?.get('retry-after'));
}

/** Status, error type and code, request id: enough to find the call in Anthropic's console. */
function errorDetail(error: APIError): string {
  return [
    error.status === undefined ? undefined : `HTTP ${error.status}`,
    error.type ?? undefined,
    error.errorCode ?? undefined,
    error.apiMessage?.slice(0, 200) ?? undefined,
    error.requestID ? `request ${error.requestID}` : undefined,
  ]
    .filter(Boolean)
    .join(': ');
}

function toExternalServiceError(error: unknown, { APIError, APIConnectionError, APIUserAbortError }: AnthropicSdk): unknown {
  if (!(error instanceof APIError)) return error;
  const detail = errorDetail(error);
  const base = { service: 'anthropic' as const, status: error.status, detail };
  if (error instanceof APIConnectionError || error instanceof APIUserAbortError) {
    return new ExternalServiceError({ ...base, kind: 'retryable', userMessage: 'Could not reach Claude; it will be retried automatically.', detail: `${error.name}: ${error.message}` });
  }
  const status = error.status ?? 0;
  if (status === 429 && error.errorCode === 'enforced_spend_limit_reached') {
    return new ExternalServiceError({ ...base, kind: 'limit-reached', userMessage: 'The AI spending limit for this workspace has been reached.' });
  }
  if (status === 402) {
    return new ExternalServiceError({ ...base, kind: 'limit-reached', userMessage: 'The AI account has a billing problem; an operator must fix it.' });
  }
  if (status === 401 || status === 403) {
    return new ExternalServiceError({ ...base, kind: 'invalid', userMessage: misconfiguredMessage });
  }
  if (status === 429) {
    return new ExternalServiceError({ ...base, kind: 'retryable', retryAfterMs: retryAfterMs(error.headers), userMessage: 'Claude is rate limiting requests; the draft will be retried automatically.' });
  }
  if (status === 408 || status >= 500) {
    const userMessage = status === 529 ? 'Claude is overloaded right now; the draft will be retried automatically.' : 'Claude is temporarily unavailable; the draft will be retried automatically.';
    return new ExternalServiceError({ ...base, kind: 'retryable', retryAfterMs: retryAfterMs(error.headers), userMessage });
  }
  return new ExternalServiceError({ ...base, kind: 'invalid', userMessage: 'Claude rejected the drafting request; an operator must look at it.' });
}

/** The tool input of a complete answer; a refusal, a cut-off or a missing call is a non-retryable 'invalid'. */
function toolInputOf(message: Anthropic.Message): unknown {
  if (message.stop_reason === 'refusal') {
    throw new ExternalServiceError({
      service: 'anthropic',
      kind: 'invalid',
      userMessage: 'Claude declined to draft a follow-up for this meeting; write it by hand.',
      detail: 'stop_reason refusal',
    });
  }
  // A cut-off answer can still hold a partial tool call: it must not pass as a complete draft.
  if (message.stop_reason === 'max_tokens') throw invalidDraftError(`the answer was cut off at ${maxOutputTokens} output tokens`);
  const toolCall = message.content.find((block) => block.type === 'tool_use' && block.name === followUpToolName);
  if (!toolCall || toolCall.type !== 'tool_use') {
    throw invalidDraftError(`no ${followUpToolName} tool call in the answer (stop_reason ${message.stop_reason ?? 'none'})`);
  }
  return toolCall.input;
}

export function createAnthropicFollowUpWriter(options: AnthropicFollowUpWriterOptions): FollowUpWriter {
  const model = options.model ?? defaultFollowUpModel;
  const maxInputTokens = options.maxInputTokens ?? defaultMaxInputTokens;
  if (maxInputTokens < minimumInputTokens) throw new Error(`maxInputTokens must be at least ${minimumInputTokens}`);
  let connecting: Promise<{ sdk: AnthropicSdk; client: Anthropic }> | undefined;
  const connect = () =>
    (connecting ??= import('@anthropic-ai/sdk').then((sdk) => ({
      sdk,
      client: new sdk.default({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: 0, timeout: options.timeoutMs ?? defaultTimeoutMs }),
    })));

  const gate = { store: options.rateLimits ?? new InProcessRateLimitStore(), maxWaitMs: maxRateLimitWaitMs };
  // Limits are per organisation (the key's) and model class.
  const account = `${model}:${options.apiKey}`;
  const requestsKey = rateLimitKey('anthropic', 'requests', account);
  const inputTokensKey = rateLimitKey('anthropic', 'input-tokens', account);
  /** What the headers last said: requests start from a low tier's limit; input tokens are limited once stated. */
  const learned: { requestsPerMinute: number; inputTokensPerMinute?: number } = { requestsPerMinute: anthropicDefaultRequestsPerMinute };
  // Anthropic may enforce "60 a minute" as one a second: a small burst, then an even pace.
  const requestRate = () => bucketForWindow(learned.requestsPerMinute, minuteMs, Math.max(1, Math.floor(learned.requestsPerMinute / 10)));
  /**
   * The organisation's limit is the one budget every tenant shares: one tenant may use at most
   * this share of it, so another tenant's drafts still find room while one tenant's burst waits.
   */
  const tenantRequestRate = () => {
    const perMinute = Math.max(1, Math.floor(learned.requestsPerMinute * tenantShareOfRequests));
    return bucketForWindow(perMinute, minuteMs, Math.max(1, Math.floor(perMinute / 10)));
  };
  // Tokens mirror Anthropic's own bucket: full at the limit, refilled continuously over a minute.
  const inputTokenRate = (perMinute: number): BucketRate => ({ capacity: perMinute, refillPerMs: perMinute / minuteMs });

  /** Adopts the stated limits, and pauses every process when a pool cannot serve another request like this one. */
  async function followRateLimitHeaders(headers: Headers | undefined, estimatedInputTokens: number): Promise<void> {
    if (!headers) return;
    const limits = parseAnthropicRateLimits(headers, Date.now());
    learned.requestsPerMinute = limits.requests?.limit || learned.requestsPerMinute;
    learned.inputTokensPerMinute = limits['input-tokens']?.limit || limits.tokens?.limit || learned.inputTokensPerMinute;
    const pauseMs = Math.max(anthropicPauseMs(limits, { inputTokens: estimatedInputTokens, outputTokens: maxOutputTokens }) ?? 0, retryAfterMs(headers) ?? 0);
    if (pauseMs > 0) await gate.store.pause(requestsKey, requestRate(), pauseMs);
  }

  const tenantRequestsKey = (tenantId: string) => rateLimitKey('anthropic', `requests:tenant:${tenantId}`, account);

  /**
   * Only the tenant's share is booked ahead: it is what queues a busy tenant's drafts. The
   * organisation's requests and tokens are taken when the draft is written, as the tokens depend
   * on the prompt, and half the organisation's requests stay free of any one tenant anyway.
   */
  async function bookTurn(tenantId: string): Promise<number> {
    const holder = rateLimitHolder();
    if (!holder) return 0;
    // A negative bound grants nothing at once: the tokens are taken and the turn kept for the holder, even when it is now.
    const { waitMs } = await gate.store.take(tenantRequestsKey(tenantId), tenantRequestRate(), 1, -1, holder);
    return waitMs > maxRateLimitWaitMs ? waitMs : 0;
  }

  async function write(request: FollowUpRequest): Promise<WrittenFollowUp> {
    const prompt = buildFollowUpPrompt(request, maxInputTokens);
    await passRateLimit(gate, { service: 'anthropic', key: tenantRequestsKey(request.tenantId), rate: tenantRequestRate(), userMessage: rateLimitedMessage });
    await passRateLimit(gate, { service: 'anthropic', key: requestsKey, rate: requestRate(), userMessage: rateLimitedMessage });
    if (learned.inputTokensPerMinute) {
      const rate = inputTokenRate(learned.inputTokensPerMinute);
      await passRateLimit(gate, { service: 'anthropic', key: inputTokensKey, rate, cost: prompt.estimatedInputTokens, userMessage: rateLimitedMessage });
    }
    const { sdk, client } = await connect();
    let message: Anthropic.Message;
    try {
      const { data, response } = await client.messages
        .create({
          model,
          max_tokens: maxOutputTokens,
          system: prompt.system,
          messages: [{ role: 'user', content: prompt.userMessage }],
          tools: [followUpTool],
          tool_choice: { type: 'tool', name: followUpToolName },
          metadata: { user_id: request.tenantId },
        })
        .withResponse();
      message = data;
      await followRateLimitHeaders(response.headers, prompt.estimatedInputTokens);
    } catch (error) {
      if (error instanceof sdk.APIError) await followRateLimitHeaders(error.headers, prompt.estimatedInputTokens);
      throw toExternalServiceError(error, sdk);
    }

    const content = readFollowUpToolInput(toolInputOf(message));
    const usage = message.usage;
    return {
      ...content,
      generator: 'claude',
      model: message.model || model,
      promptVersion: followUpPromptVersion,
      tokensUsed:
        usage.input_tokens + usage.output_tokens + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0),
    };
  }

  return { write, bookTurn };
}

/**
 * Anthropic states its limits on every answer (429s included): `anthropic-ratelimit-{requests,
 * tokens,input-tokens,output-tokens}-{limit,remaining,reset}`, reset as an RFC 3339 time. Limits
 * differ by organisation, tier and model class, so the client's buckets follow these headers
 * instead of fixed numbers: the limits set the buckets' pace, and a spent pool pauses them until
 * its reset.
 */
export interface AnthropicPool {
  limit?: number;
  remaining?: number;
  /** Milliseconds from now until the pool is full again. */
  resetInMs?: number;
}

export type AnthropicPoolName = 'requests' | 'tokens' | 'input-tokens' | 'output-tokens';
export type AnthropicRateLimits = Partial<Record<AnthropicPoolName, AnthropicPool>>;

const poolNames: AnthropicPoolName[] = ['requests', 'tokens', 'input-tokens', 'output-tokens'];

interface HeaderSource {
  get(name: string): string | null;
}

function count(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) && number >= 0 ? number : undefined;
}

function millisecondsUntil(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function parseAnthropicRateLimits(headers: HeaderSource, now: number): AnthropicRateLimits {
  const limits: AnthropicRateLimits = {};
  for (const pool of poolNames) {
    const prefix = `anthropic-ratelimit-${pool}`;
    const parsed: AnthropicPool = {
      limit: count(headers.get(`${prefix}-limit`)),
      remaining: count(headers.get(`${prefix}-remaining`)),
      resetInMs: millisecondsUntil(headers.get(`${prefix}-reset`), now),
    };
    if (parsed.limit !== undefined || parsed.remaining !== undefined || parsed.resetInMs !== undefined) limits[pool] = parsed;
  }
  return limits;
}

/**
 * How long no request should start: until the latest reset of a pool that cannot serve the next
 * request (no request left, fewer input tokens left than it sends, fewer output tokens than it
 * may write: Anthropic counts `max_tokens` at the start). Undefined when every pool can.
 */
export function anthropicPauseMs(limits: AnthropicRateLimits, next: { inputTokens: number; outputTokens: number }): number | undefined {
  const needs: Record<AnthropicPoolName, number> = {
    requests: 1,
    tokens: next.inputTokens + next.outputTokens,
    'input-tokens': next.inputTokens,
    'output-tokens': next.outputTokens,
  };
  const pauses = poolNames.flatMap((pool) => {
    const state = limits[pool];
    return state?.remaining !== undefined && state.resetInMs !== undefined && state.remaining < needs[pool] ? [state.resetInMs] : [];
  });
  return pauses.length > 0 ? Math.max(...pauses) : undefined;
}

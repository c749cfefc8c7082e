import assert from 'node:assert/strict';
import { anthropicPauseMs, parseAnthropicRateLimits } from '../../clients/anthropic-rate-limit-headers';

const now = Date.parse('2026-12-06T02:00:00Z');

function headers(values: Record<string, string>) {
  return new Headers(values);
}

describe('Anthropic rate-limit headers', () => {
  it('reads limit, remaining and the RFC 3339 reset of each pool', () => {
    const limits = parseAnthropicRateLimits(
      headers({
        'anthropic-ratelimit-requests-limit': '50',
        'anthropic-ratelimit-requests-remaining': '49',
        'anthropic-ratelimit-requests-reset': '2026-12-06T02:00:01Z',
        'anthropic-ratelimit-input-tokens-limit': '40000',
        'anthropic-ratelimit-input-tokens-remaining': '12000',
        'anthropic-ratelimit-input-tokens-reset': '2026-12-06T02:00:42Z',
        'anthropic-ratelimit-output-tokens-limit': '8000',
        'anthropic-ratelimit-output-tokens-remaining': '8000',
        'anthropic-ratelimit-output-tokens-reset': '2026-12-06T02:00:00Z',
      }),
      now,
    );
    assert.deepEqual(limits, {
      requests: { limit: 50, remaining: 49, resetInMs: 1_000 },
      'input-tokens': { limit: 40_000, remaining: 12_000, resetInMs: 42_000 },
      'output-tokens': { limit: 8_000, remaining: 8_000, resetInMs: 0 },
    });
  });

  it('ignores absent and malformed values, and a reset in the past is now', () => {
    const limits = parseAnthropicRateLimits(
      headers({
        'anthropic-ratelimit-requests-limit': 'lots',
        'anthropic-ratelimit-requests-remaining': '-3',
        'anthropic-ratelimit-requests-reset': 'soon',
        'anthropic-ratelimit-tokens-remaining': '5',
        'anthropic-ratelimit-tokens-reset': '2026-12-06T01:59:00Z',
      }),
      now,
    );
    assert.deepEqual(limits, { tokens: { limit: undefined, remaining: 5, resetInMs: 0 } });
    assert.deepEqual(parseAnthropicRateLimits(headers({}), now), {});
  });

  it('pauses until the latest reset of a pool that cannot serve the next request', () => {
    const limits = parseAnthropicRateLimits(
      headers({
        'anthropic-ratelimit-requests-remaining': '10',
        'anthropic-ratelimit-requests-reset': '2026-12-06T02:00:05Z',
        'anthropic-ratelimit-input-tokens-remaining': '3000',
        'anthropic-ratelimit-input-tokens-reset': '2026-12-06T02:00:20Z',
        'anthropic-ratelimit-output-tokens-remaining': '4000',
        'anthropic-ratelimit-output-tokens-reset': '2026-12-06T02:00:30Z',
      }),
      now,
    );
    assert.equal(anthropicPauseMs(limits, { inputTokens: 2_000, outputTokens: 4_000 }), undefined, 'every pool can serve it');
    assert.equal(anthropicPauseMs(limits, { inputTokens: 5_000, outputTokens: 4_000 }), 20_000, 'too few input tokens left');
    assert.equal(anthropicPauseMs(limits, { inputTokens: 5_000, outputTokens: 8_192 }), 30_000, 'max_tokens counts against output tokens at the start');
  });

  it('pauses when no request is left in the window', () => {
    const limits = parseAnthropicRateLimits(
      headers({ 'anthropic-ratelimit-requests-remaining': '0', 'anthropic-ratelimit-requests-reset': '2026-12-06T02:00:09Z' }),
      now,
    );
    assert.equal(anthropicPauseMs(limits, { inputTokens: 1, outputTokens: 1 }), 9_000);
  });
});

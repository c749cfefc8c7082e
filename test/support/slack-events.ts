import { randomUUID } from 'node:crypto';
import type { ProductHarness } from './product-harness';

/**
 * What Slack's Events API delivers: a signed JSON envelope, and on a redelivery the retry
 * headers (same event_id, X-Slack-Retry-Num 1–3), signed afresh at the later time it is sent.
 */
export function postSlackEvent(
  harness: ProductHarness,
  teamId: string,
  event: Record<string, unknown>,
  options: { eventId?: string; eventTime?: number; retryNum?: number } = {},
): Promise<Response> {
  const body = JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: teamId,
    api_app_id: 'A0EMULATOR',
    type: 'event_callback',
    event_id: options.eventId ?? `Ev${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`,
    event_time: options.eventTime ?? Math.floor(Date.now() / 1000),
    event,
    authorizations: [{ team_id: teamId, user_id: 'U0BOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  });
  const headers: Record<string, string> =
    options.retryNum === undefined ? {} : { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': 'http_timeout' };
  // Slack redelivers after seconds to minutes: a retry's signature timestamp is later than the first's.
  const timestamp = Math.floor(Date.now() / 1000) + (options.retryNum ?? 0);
  return harness.postSigned('/slack/events', body, { headers, timestamp });
}

export function homeOpened(userId: string): Record<string, unknown> {
  return { type: 'app_home_opened', user: userId, channel: 'D0HOME', tab: 'home', event_ts: String(Date.now() / 1000) };
}

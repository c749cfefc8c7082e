import type { EmulatorResponse } from './http-emulator';
import { RollingWindowLimit } from './rolling-window-limit';

/**
 * Slack's Web API rate limits (docs.slack.dev/apis/web-api/rate-limits; api-contracts.md §8,
 * limits-and-reliability.md §1): each method has a tier counted per method, per workspace, per
 * app over a minute (Tier 2 20+, Tier 3 50+, Tier 4 100+ a minute; the emulator refuses at the
 * documented floor), and chat.postMessage is special: about one message a second per channel,
 * with short bursts allowed. Over a limit Slack answers HTTP 429, `Retry-After: <seconds>` and
 * `{"ok":false,"error":"ratelimited"}`.
 *
 * Tiers are those of each method's reference page. Methods Slack lists as "special" other than
 * chat.postMessage (oauth.v2.access, openid.connect.token, auth.test) are not limited here.
 * chat.postMessage's workspace-wide cap ("several hundred a minute") has no documented figure, so
 * it is not enforced; nor is the size of the per-channel burst: three messages is assumed.
 */
const minuteMs = 60_000;
const tierPerMinute = { 2: 20, 3: 50, 4: 100 } as const;
const methodTiers: Record<string, keyof typeof tierPerMinute> = {
  'chat.update': 3,
  'chat.postEphemeral': 4,
  'chat.getPermalink': 4,
  'conversations.open': 3,
  'users.info': 4,
  'views.open': 4,
  'views.push': 4,
  'views.update': 4,
  'views.publish': 4,
};
const postMessageBurst = 3;

export class SlackRateLimits {
  private readonly tiers = new Map(Object.entries(tierPerMinute).map(([tier, limit]) => [Number(tier), new RollingWindowLimit(limit, minuteMs)]));
  /** `burst` messages per `burst` seconds: one a second on average, a burst of that many at once. */
  private readonly perChannel = new RollingWindowLimit(postMessageBurst, postMessageBurst * 1_000);

  /** Counts a call of `method` by the app in `teamId`; Slack's 429 when it is over its limit. */
  refusal(method: string, teamId: string, channel: string | undefined): EmulatorResponse | undefined {
    const verdict =
      method === 'chat.postMessage'
        ? channel === undefined
          ? undefined
          : this.perChannel.admit(`${teamId}:${channel}`)
        : methodTiers[method] === undefined
          ? undefined
          : this.tiers.get(methodTiers[method])!.admit(`${teamId}:${method}`);
    if (!verdict || verdict.admitted) return undefined;
    return { status: 429, headers: { 'retry-after': String(Math.ceil(verdict.retryAfterMs / 1000)) }, body: { ok: false, error: 'ratelimited' } };
  }

  /** Calls refused so far over any of Slack's limits. */
  get refused(): number {
    return [...this.tiers.values(), this.perChannel].reduce((sum, limit) => sum + limit.refused, 0);
  }

  /** Every workspace starts on empty windows. */
  reset(): void {
    for (const limit of [...this.tiers.values(), this.perChannel]) limit.reset();
  }
}

/**
 * Each outside service's documented per-account limit as a bucket (sources:
 * /work/shared/docs/api-contracts.md and limits-and-reliability.md §3–4). Where the account's
 * tier cannot be known, the lowest documented tier is used.
 */
import { bucketForWindow, type BucketRate } from './rate-limit-store';

const minuteMs = 60_000;

/** Fathom: 60 calls per 60-second window per account (the API key's owner). */
export const fathomRate = bucketForWindow(60, minuteMs, 10);

/** HubSpot: 100 requests per 10 s per account on Free/Starter (190 on Professional/Enterprise); public OAuth apps ~100–110. */
export const hubSpotRate = bucketForWindow(100, 10_000, 20);
/** HubSpot CRM search: about 4–5 requests a second per token, counted apart from the burst limit; the lower figure. */
export const hubSpotSearchRate = bucketForWindow(4, 1_000, 2);

/**
 * Pipedrive: a rolling 2-second burst window per token, by plan; the lowest plan's (Essential)
 * figures: 80 for an OAuth access token, 20 for an api_token, 10 for searches on any plan. The
 * daily token budget is left to Pipedrive's 429 (its per-call costs are unconfirmed).
 */
export const pipedriveOAuthRate = bucketForWindow(80, 2_000, 20);
export const pipedriveApiTokenRate = bucketForWindow(20, 2_000, 5);
export const pipedriveSearchRate = bucketForWindow(10, 2_000, 3);

/**
 * Salesforce: no per-second limit, only the org's rolling 24-hour API allocation (Developer
 * Edition 15,000, the lowest documented; Enterprise ~100,000 + per licence), shared with every
 * other integration of the org, so the lowest figure is also the polite one. A query that pages
 * counts once here although each page is a request.
 */
export const salesforceDailyRate = bucketForWindow(15_000, 86_400_000, 1_000);

/**
 * Crono documents no rate limit (api-contracts.md §2), so a conservative guess: 60 calls a minute
 * per API key, about what a careful integration of a small vendor's API would keep to.
 */
export const cronoRate = bucketForWindow(60, minuteMs, 10);

/**
 * Slack counts per method, per workspace, per app (tiers: 2 = 20+/min, 3 = 50+/min, 4 = 100+/min);
 * chat.postMessage is special: about one message a second per channel (short bursts allowed).
 */
const slackTiers = { 2: bucketForWindow(20, minuteMs, 4), 3: bucketForWindow(50, minuteMs, 10), 4: bucketForWindow(100, minuteMs, 20) } as const;
const slackMethodTiers: Record<string, keyof typeof slackTiers> = {
  'chat.update': 3,
  'conversations.open': 3,
  'users.info': 4,
  'views.publish': 4,
  'views.update': 4,
  'views.open': 4,
  'chat.postEphemeral': 4,
  'chat.getPermalink': 4,
  'views.push': 4,
};
/**
 * One message per 1.2 s to a channel, not 1 s: Slack counts when a message arrives, and a post sent
 * at its turn can arrive late (an event loop busy with other work, a slow connection) while the next
 * arrives on time, which at exactly one a second puts a 4th message into Slack's 3-second window (the
 * benchmark that opens 1,000 meetings in 140 s met 256 refusals that way). 0.2 s absorbs 600 ms of
 * lateness over three messages.
 */
export const slackPostMessagePerChannelRate: BucketRate = { capacity: 1, refillPerMs: 1 / 1_200 };

/** The bucket for a Slack method, or undefined for a method this app does not limit (documented as unlimited or unused). */
export function slackMethodRate(method: string): BucketRate | undefined {
  const tier = slackMethodTiers[method];
  return tier === undefined ? undefined : slackTiers[tier];
}

/**
 * Google per-user quotas: Calendar 600 requests per minute per user; Gmail 6,000 units per minute
 * per user (the newest, lowest figure), drafts.create costing 10 units, so 600 creates a minute.
 * Both are counted here in calls, with each Gmail call at the most expensive unit cost this app uses.
 */
export const calendarRate = bucketForWindow(600, minuteMs, 60);
export const gmailRate = bucketForWindow(600, minuteMs, 60);

/**
 * Anthropic: limits are per organisation and model class, and vary by tier, so this is only the
 * starting point (a low tier's 50 requests a minute); the client then follows the
 * `anthropic-ratelimit-*` headers of every answer, for tokens as well.
 */
export const anthropicDefaultRequestsPerMinute = 50;

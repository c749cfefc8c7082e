/**
 * The most calls one account made to an outside service within any window of its documented limit
 * (sliding), read from the emulators' request records, next to that limit. The limits are the
 * vendors' own figures (/work/shared/docs/api-contracts.md), written here and not imported from
 * clients/service-rate-limits.ts: the drill checks the product's limiter, so it must not share
 * its numbers.
 */
import type { RecordedRequest } from '../../emulators/http-emulator';
import type { BenchEmulators } from './emulated-services';

export interface ServicePeak {
  /** What is counted, e.g. "fathom per account per 60 s". */
  limit: string;
  /** The most calls of one key in one window. */
  peak: number;
  allowed: number;
  /** Short, secret-free name of the key that peaked (a hash prefix of the account). */
  key?: string;
  /** Checked against `allowed`; false where the vendor documents bursts above it (Slack's per-channel posting). */
  enforced: boolean;
}

interface Counted {
  at: number;
  key: string;
}

/** The most requests any one key sent within any `windowMs` (sliding). */
export function peakPerWindow(requests: readonly Counted[], windowMs: number): { peak: number; key?: string } {
  const byKey = new Map<string, number[]>();
  for (const request of requests) {
    const times = byKey.get(request.key) ?? [];
    times.push(request.at);
    byKey.set(request.key, times);
  }
  let best: { peak: number; key?: string } = { peak: 0 };
  for (const [key, times] of byKey) {
    times.sort((a, b) => a - b);
    let first = 0;
    for (let last = 0; last < times.length; last++) {
      while (times[last]! - times[first]! >= windowMs) first++;
      if (last - first + 1 > best.peak) best = { peak: last - first + 1, key };
    }
  }
  return best;
}

const bearer = (request: RecordedRequest): string | undefined => /^Bearer\s+(.+)$/i.exec(String(request.headers.authorization ?? ''))?.[1];
/** Enough of a credential to tell accounts apart in a report, never the credential. */
const shortKey = (key: string | undefined): string | undefined => (key === undefined ? undefined : `…${key.slice(-6)}`);

/** Slack method tiers (calls per minute per workspace) of the methods the app calls; tier 3 = 50, tier 4 = 100. */
const slackMethodsPerMinute: Record<string, number> = {
  'chat.update': 50,
  'conversations.open': 50,
  'users.info': 100,
  'views.publish': 100,
  'views.update': 100,
  'views.open': 100,
  'chat.postEphemeral': 100,
};

function peak(limit: string, requests: Counted[], windowMs: number, allowed: number, enforced = true): ServicePeak {
  const found = peakPerWindow(requests, windowMs);
  return { limit, peak: found.peak, allowed, key: shortKey(found.key), enforced };
}

/**
 * Per service and account, the peak within each limit's window over the requests recorded since
 * `since` (Date.now()). Slack counts per workspace, i.e. per bot token here (one per workspace
 * in use), per method; chat.postMessage per channel per second.
 */
export function servicePeaks(emulators: BenchEmulators, since: number, anthropicRequestsPerMinute: number): ServicePeak[] {
  const after = (requests: readonly RecordedRequest[]) => requests.filter((request) => request.at >= since);
  const fathom = after(emulators.fathom.requests).map((request) => ({ at: request.at, key: String(request.headers['x-api-key'] ?? bearer(request) ?? 'none') }));
  const hubspot = after(emulators.hubspot.requests)
    .filter((request) => bearer(request))
    .map((request) => ({ at: request.at, key: bearer(request)! }));
  const anthropic = after(emulators.anthropic.requests)
    .filter((request) => request.path === '/v1/messages')
    .map((request) => ({ at: request.at, key: String(request.headers['x-api-key'] ?? bearer(request) ?? 'none') }));
  const google = after(emulators.google.requests)
    .filter((request) => bearer(request))
    .map((request) => ({ at: request.at, key: bearer(request)! }));
  const slackCalls = after(emulators.slack.requests)
    .filter((request) => request.path.startsWith('/api/'))
    .map((request) => ({ request, method: request.path.slice('/api/'.length), token: bearer(request) ?? String((request.body as { token?: string } | undefined)?.token ?? 'none') }));
  const slackTiered = Object.entries(slackMethodsPerMinute).map(([method, allowed]) =>
    peak(
      `slack ${method} per workspace per 60 s`,
      slackCalls.filter((call) => call.method === method).map((call) => ({ at: call.request.at, key: call.token })),
      60_000,
      allowed,
    ),
  );
  const postMessages = slackCalls
    .filter((call) => call.method === 'chat.postMessage')
    .map((call) => ({ at: call.request.at, key: `${call.token}:${String((call.request.body as { channel?: string } | undefined)?.channel)}` }));
  return [
    peak('fathom per account per 60 s', fathom, 60_000, 60),
    peak('hubspot per account per 10 s', hubspot, 10_000, 100),
    peak('anthropic per organisation per 60 s', anthropic, 60_000, anthropicRequestsPerMinute),
    peak('google per user per 60 s', google, 60_000, 600),
    ...slackTiered.filter((found) => found.peak > 0),
    // Slack: "1 message per second per channel, short bursts allowed": reported, not enforced.
    peak('slack chat.postMessage per channel per 1 s', postMessages, 1_000, 1, false),
  ];
}

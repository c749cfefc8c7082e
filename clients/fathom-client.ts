/**
 * Fathom External API client (plain fetch, no SDK): lists a user's meetings with cursor paging
 * and loads one meeting with its transcript. Fathom answers with the meetings the key's user
 * recorded AND those shared with their team (api-contracts.md §1); the rep may only follow up
 * meetings they recorded or were invited to, so the rest are dropped here. Every call passes
 * the account's shared rate limit first (clients/rate-limit-store.ts); a 429, or a response saying
 * the window is spent, pauses that limit for every process until the server's reset, and a 429
 * becomes a retryable ExternalServiceError carrying that delay. Temporal owns retries, so there
 * are none here.
 */
import { ExternalServiceError, errorFromHttpStatus, errorFromNetworkFailure, parseRetryAfter } from '../domain/service-errors';
import {
  isRecordedOrAttendedBy,
  recordingIdOfMeeting,
  toMeetingListItem,
  toMeetingsPage,
  toRecordedMeeting,
  toTranscriptResponse,
} from './fathom-meeting-mapper';
import { sharedMeetingsPageCache, type MeetingsPageCache } from './fathom-meetings-page-cache';
import { InProcessRateLimitStore } from './in-process-rate-limit-store';
import { passRateLimit, rateLimitKey, type RateLimitStore } from './rate-limit-store';
import { fathomRate } from './service-rate-limits';
import type { MeetingPage, MeetingSource, MeetingSourceCredentials } from './meeting-source';
import type { MeetingListItem, RecordedMeeting } from '../domain/meeting';

export interface FathomClientOptions {
  credentials: MeetingSourceCredentials;
  /**
   * The rep's email: meetings neither recorded by it nor listing it among the calendar invitees
   * (a teammate's recording shared with the team) are dropped. Null only where any meeting the
   * key sees will do (checking that a pasted key works).
   */
  repEmail: string | null;
  /** Defaults to Fathom's only server; tests point it at the emulator's `/external/v1`. */
  baseUrl?: string;
  fetch?: typeof fetch;
  now?: () => number;
  /** How the rate limiter waits; injectable so tests run on a fake clock. */
  sleep?: (milliseconds: number) => Promise<void>;
  /** The shared buckets (the worker's and API's PostgreSQL store); defaults to the client's own. */
  rateLimits?: RateLimitStore;
  /** Defaults to the process-wide cache, so lookups for the same key share the pages they search. */
  meetingsPageCache?: MeetingsPageCache;
  requestTimeoutMs?: number;
  /** Longest client-side rate-limit wait slept through; beyond it the call fails retryably with that delay. */
  maxRateLimitWaitMs?: number;
}

export const defaultFathomBaseUrl = 'https://api.fathom.ai/external/v1';
const defaultRequestTimeoutMs = 30_000;
/** Longer waits become the activity's retry delay, so no worker slot sleeps through them. */
const defaultMaxRateLimitWaitMs = 2_000;
/** listAllMeetings stops here unless told otherwise: a safety net against paging a whole archive. */
const defaultListAllMax = 500;
const dayMs = 86_400_000;
const minuteMs = 60_000;
/**
 * getMeeting searches newest-first in widening windows of `created_at` (most follow-ups are for
 * meetings from the last days). Each window ends where the previous began, so no page is read
 * twice; windows overlap by a second because whether Fathom's bounds are inclusive is undocumented.
 */
const meetingSearchWindowsDays = [14, 90, 400];
const windowOverlapMs = 1_000;
/** At 50 calls a minute this is under a minute of the user's Fathom budget. */
const maxMeetingSearchPages = 40;

type Query = Record<string, string | undefined>;

function authHeaders(credentials: MeetingSourceCredentials): Record<string, string> {
  return credentials.type === 'apiKey'
    ? { 'X-Api-Key': credentials.apiKey }
    : { Authorization: `Bearer ${credentials.accessToken}` };
}

/** Fathom counts per account; the credential stands for it, hashed so no key is stored. */
function limiterKey(credentials: MeetingSourceCredentials): string {
  const secret = credentials.type === 'apiKey' ? credentials.apiKey : credentials.accessToken;
  return rateLimitKey('fathom', 'account', `${credentials.type}:${secret}`);
}

/** `RateLimit-Reset` is seconds left in the window (IETF draft); an epoch value is tolerated too. */
function rateLimitResetMs(value: string | null, now: number): number | undefined {
  const seconds = value === null ? NaN : Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  return seconds > 1e9 ? Math.max(0, seconds * 1000 - now) : seconds * 1000;
}

function waitBeforeRetryMs(response: Response, now: number): number | undefined {
  const delays = [
    parseRetryAfter(response.headers.get('retry-after'), now),
    rateLimitResetMs(response.headers.get('ratelimit-reset'), now),
  ].filter((delay): delay is number => delay !== undefined);
  return delays.length > 0 ? Math.max(...delays) : undefined;
}

/** Fathom's error body is undocumented; `{ error }` is the common form. Never echoes headers. */
async function errorDetail(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  let message = text;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { error?: unknown }).error === 'string') {
      message = (parsed as { error: string }).error;
    }
  } catch {
    // Not JSON: the raw text is the detail.
  }
  return `HTTP ${response.status}${message ? `: ${message.slice(0, 200)}` : ''}`;
}

export function createFathomClient(options: FathomClientOptions): MeetingSource {
  const baseUrl = (options.baseUrl ?? defaultFathomBaseUrl).replace(/\/+$/, '');
  const fetchImplementation = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const rateLimitGate = {
    store: options.rateLimits ?? new InProcessRateLimitStore(),
    maxWaitMs: options.maxRateLimitWaitMs ?? defaultMaxRateLimitWaitMs,
    sleep: options.sleep,
  };
  const meetingsPageCache = options.meetingsPageCache ?? sharedMeetingsPageCache;
  const credentialKey = limiterKey(options.credentials);
  const timeoutMs = options.requestTimeoutMs ?? defaultRequestTimeoutMs;
  const reconnectMessage =
    options.credentials.type === 'apiKey'
      ? 'Fathom rejected the API key. Reconnect Fathom in App Home.'
      : 'Fathom rejected the connection. Reconnect Fathom in App Home.';

  async function errorFor(response: Response): Promise<ExternalServiceError> {
    const detail = await errorDetail(response);
    if (response.status === 401 || response.status === 403) {
      return new ExternalServiceError({ service: 'fathom', kind: 'reconnect', status: response.status, userMessage: reconnectMessage, detail });
    }
    return errorFromHttpStatus('fathom', response.status, { detail, retryAfterMs: waitBeforeRetryMs(response, now()) });
  }

  /** Keeps every process inside the window the server reports, before it has to answer 429. */
  async function followServerWindow(response: Response): Promise<void> {
    const spent = response.status === 429 || response.headers.get('ratelimit-remaining') === '0';
    const waitMs = spent ? waitBeforeRetryMs(response, now()) : undefined;
    if (waitMs !== undefined) await rateLimitGate.store.pause(credentialKey, fathomRate, waitMs);
  }

  async function get(path: string, query: Query = {}): Promise<unknown> {
    const url = new URL(`${baseUrl}${path}`);
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, value);
    await passRateLimit(rateLimitGate, {
      service: 'fathom',
      key: credentialKey,
      rate: fathomRate,
      userMessage: 'Fathom’s rate limit for this account is used up; the meeting will be fetched shortly.',
    });
    let response: Response;
    try {
      response = await fetchImplementation(url, {
        headers: { Accept: 'application/json', ...authHeaders(options.credentials) },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw errorFromNetworkFailure('fathom', error);
    }
    await followServerWindow(response);
    if (!response.ok) throw await errorFor(response);
    try {
      return (await response.json()) as unknown;
    } catch (error) {
      // A 2xx that is not JSON is a proxy or outage page, not a contract change: worth retrying.
      throw new ExternalServiceError({
        service: 'fathom',
        kind: 'retryable',
        status: response.status,
        userMessage: 'Fathom sent an unreadable answer; it will be retried automatically.',
        detail: `HTTP ${response.status} body is not JSON: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }

  const repEmail = options.repEmail?.trim().toLowerCase() || null;
  const isRepsMeeting = (meeting: unknown) => repEmail === null || isRecordedOrAttendedBy(meeting, repEmail);

  async function fetchMeetingsPage(query: { cursor?: string; createdAfter?: string; createdBefore?: string }) {
    return toMeetingsPage(
      await get('/meetings', { cursor: query.cursor, created_after: query.createdAfter, created_before: query.createdBefore }),
    );
  }

  async function listMeetings(query: { cursor?: string; createdAfter?: string; createdBefore?: string }): Promise<MeetingPage> {
    const page = await fetchMeetingsPage(query);
    return { items: page.meetings.filter(isRepsMeeting).map(toMeetingListItem), nextCursor: page.nextCursor };
  }

  async function listAllMeetings(query: { createdAfter?: string; createdBefore?: string; max?: number }): Promise<MeetingListItem[]> {
    const max = query.max ?? defaultListAllMax;
    const items: MeetingListItem[] = [];
    const seenCursors = new Set<string>();
    let cursor: string | undefined;
    while (items.length < max) {
      const page = await listMeetings({ cursor, createdAfter: query.createdAfter, createdBefore: query.createdBefore });
      items.push(...page.items);
      // A repeated cursor would loop forever; treat it as the end.
      if (!page.nextCursor || seenCursors.has(page.nextCursor)) break;
      seenCursors.add(page.nextCursor);
      cursor = page.nextCursor;
    }
    return items.slice(0, max);
  }

  /**
   * Fathom has no get-by-id endpoint. The meeting's metadata is found by paging `/meetings`
   * newest first within widening `created_after` windows; the transcript then comes from
   * `/recordings/{id}/transcript`, which works for API keys and OAuth alike (OAuth apps may not
   * use include_transcript) and avoids downloading every transcript on the pages searched.
   */
  async function findMeeting(recordingId: string, reusePages: boolean): Promise<{ meeting?: unknown; reusedPages: boolean }> {
    let pagesRead = 0;
    let reusedPages = false;
    let windowEnd: number | undefined;
    // Whole minutes, so concurrent lookups ask for the same pages and can share them.
    const searchStart = Math.floor(now() / minuteMs) * minuteMs;
    for (const days of meetingSearchWindowsDays) {
      const windowStart = searchStart - days * dayMs;
      let cursor: string | undefined;
      do {
        if (pagesRead >= maxMeetingSearchPages) return { reusedPages };
        const query = {
          cursor,
          createdAfter: new Date(windowStart).toISOString(),
          createdBefore: windowEnd === undefined ? undefined : new Date(windowEnd + windowOverlapMs).toISOString(),
        };
        const shared = meetingsPageCache.page(`${credentialKey}:${JSON.stringify(query)}`, now(), () => fetchMeetingsPage(query), { reread: !reusePages });
        const page = await shared.page;
        reusedPages ||= shared.reused;
        pagesRead += 1;
        const found = page.meetings.find((meeting) => recordingIdOfMeeting(meeting) === recordingId);
        if (found) return { meeting: found, reusedPages };
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      windowEnd = windowStart;
    }
    return { reusedPages };
  }

  async function getMeeting(recordingId: string): Promise<RecordedMeeting> {
    const id = recordingId.trim();
    if (!/^\d+$/.test(id)) {
      throw new ExternalServiceError({
        service: 'fathom',
        kind: 'invalid',
        userMessage: 'That is not a Fathom recording id; paste the meeting link from Fathom.',
        detail: `recording id ${JSON.stringify(recordingId.slice(0, 40))}`,
      });
    }
    const search = await findMeeting(id, true);
    // Pages read a few seconds ago may predate this meeting: look again in fresh ones.
    const meeting = search.meeting ?? (search.reusedPages ? (await findMeeting(id, false)).meeting : undefined);
    if (meeting && !isRepsMeeting(meeting)) {
      throw new ExternalServiceError({
        service: 'fathom',
        kind: 'not-found',
        userMessage: `Fathom meeting ${id} was recorded by a teammate and shared with your team; only meetings you recorded or were invited to can be followed up.`,
        detail: `recording ${id} is neither recorded by nor invites the rep`,
      });
    }
    if (!meeting) {
      const searchedDays = meetingSearchWindowsDays[meetingSearchWindowsDays.length - 1];
      throw new ExternalServiceError({
        service: 'fathom',
        kind: 'not-found',
        userMessage: `Fathom has no meeting ${id} among your meetings of the last ${searchedDays} days.`,
        detail: `recording ${id} not found in /meetings`,
      });
    }
    try {
      return toRecordedMeeting(meeting, toTranscriptResponse(await get(`/recordings/${id}/transcript`)));
    } catch (error) {
      if (error instanceof ExternalServiceError && error.kind === 'not-found') {
        throw new ExternalServiceError({
          service: 'fathom',
          kind: 'not-found',
          status: error.status,
          userMessage: 'Fathom has no transcript for this meeting yet.',
          detail: error.detail,
        });
      }
      throw error;
    }
  }

  return { listMeetings, listAllMeetings, getMeeting };
}

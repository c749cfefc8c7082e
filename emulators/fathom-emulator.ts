import { randomBytes } from 'node:crypto';
import { HttpEmulator, type EmulatorResponse, type RecordedRequest } from './http-emulator';
import type { FathomMeeting, InviteeDomainsType } from './fathom-sample-meeting';

/**
 * Fathom External API emulator (`/external/v1`): meetings list with cursor paging, filters and
 * `include_*` flags, per-recording transcript and summary, API-key or OAuth bearer auth, and the
 * per-credential 60-per-minute limit with IETF `RateLimit-*` headers.
 *
 * A credential sees what Fathom documents for `GET /meetings`: the meetings its user recorded AND
 * those shared with their team (api-contracts.md §1; developers.fathom.ai: "meetings recorded by
 * you or shared to your team"). Keeping only the rep's own meetings is the client's job.
 */
export interface FathomEmulatorOptions {
  /** Items per `/meetings` page (Fathom's own default is undocumented). */
  pageSize?: number;
  rateLimit?: FathomRateLimit;
}

export interface FathomRateLimit {
  limit: number;
  windowSeconds: number;
}

/** A webhook as `POST /webhooks` registered it, with the secret Fathom signs its deliveries with. */
export interface FathomWebhookRegistration {
  id: string;
  url: string;
  secret: string;
  ownerEmail: string;
  include_transcript: boolean;
  triggered_for: string[];
}

const TRIGGERS = ['my_recordings', 'shared_external_recordings', 'my_shared_with_team_recordings', 'shared_team_recordings'];

interface Caller {
  credential: string;
  owner: FathomUser;
  viaOAuth: boolean;
}

/** The Fathom user a key or token belongs to; `team` is the Fathom team recordings are shared with. */
export interface FathomUser {
  email: string;
  team?: string;
}

const API_PREFIX = '/external/v1';
const DOMAIN_TYPES: InviteeDomainsType[] = ['all', 'only_internal', 'one_or_more_external'];

export class FathomEmulator extends HttpEmulator {
  pageSize: number;
  rateLimit: FathomRateLimit;

  private readonly meetings = new Map<number, FathomMeeting>();
  /** Recording id → teams the recording is shared with (Fathom's team sharing, not part of the payload). */
  private readonly sharedWithTeams = new Map<number, string[]>();
  private readonly apiKeyOwners = new Map<string, FathomUser>();
  private readonly oauthTokenOwners = new Map<string, FathomUser>();
  private readonly rateWindows = new Map<string, { startedAt: number; count: number }>();
  private readonly registeredWebhooks: FathomWebhookRegistration[] = [];

  constructor(options: FathomEmulatorOptions = {}) {
    super('fathom');
    this.pageSize = options.pageSize ?? 10;
    this.rateLimit = options.rateLimit ?? { limit: 60, windowSeconds: 60 };
    this.route('GET', new RegExp(`^${API_PREFIX}/meetings$`), (request) => this.authorized(request, (caller) => this.listMeetings(request, caller)));
    this.route('GET', new RegExp(`^${API_PREFIX}/recordings/(\\d+)/transcript$`), (request, [id]) =>
      this.authorized(request, (caller) => this.recordingPart(request, caller, Number(id), (meeting) => ({ transcript: meeting.transcript ?? [] }))),
    );
    this.route('GET', new RegExp(`^${API_PREFIX}/recordings/(\\d+)/summary$`), (request, [id]) =>
      this.authorized(request, (caller) => this.recordingPart(request, caller, Number(id), (meeting) => ({ summary: meeting.default_summary ?? null }))),
    );
    this.route('POST', new RegExp(`^${API_PREFIX}/webhooks$`), (request) => this.authorized(request, (caller) => this.createWebhook(request, caller)));
    this.route('DELETE', new RegExp(`^${API_PREFIX}/webhooks/([\\w-]+)$`), (request, [id]) => this.authorized(request, (caller) => this.deleteWebhook(caller, id!)));
  }

  /** Webhooks registered so far, oldest first. */
  webhooks(): FathomWebhookRegistration[] {
    return [...this.registeredWebhooks];
  }

  /** An API key created by `ownerEmail`; it sees that person's recordings and those shared with `team`. */
  registerApiKey(key: string, ownerEmail: string, options: { team?: string } = {}): void {
    this.apiKeyOwners.set(key, { email: ownerEmail.toLowerCase(), ...options });
  }

  registerOAuthToken(token: string, ownerEmail: string, options: { team?: string } = {}): void {
    this.oauthTokenOwners.set(token, { email: ownerEmail.toLowerCase(), ...options });
  }

  revokeApiKey(key: string): void {
    this.apiKeyOwners.delete(key);
  }

  /** `sharedWithTeams`: Fathom teams whose members see this recording besides its recorder. */
  addMeeting(meeting: FathomMeeting, options: { sharedWithTeams?: string[] } = {}): FathomMeeting {
    this.meetings.set(meeting.recording_id, structuredClone(meeting));
    this.sharedWithTeams.set(meeting.recording_id, options.sharedWithTeams ?? []);
    return meeting;
  }

  /** Starts every credential on a fresh rate-limit window. */
  resetRateLimits(): void {
    this.rateWindows.clear();
  }

  protected override notFound(): EmulatorResponse {
    return { status: 404, body: { error: 'Not found' } };
  }

  private authorized(request: RecordedRequest, handle: (caller: Caller) => EmulatorResponse): EmulatorResponse {
    const caller = this.identify(request);
    if (!caller) return { status: 401, body: { error: 'Unauthorized: missing or invalid API key or access token' } };
    const limit = this.countAgainstRateLimit(caller.credential);
    if (limit.exceeded) return { status: 429, headers: limit.headers, body: { error: 'Rate limit exceeded' } };
    const response = handle(caller);
    return { ...response, headers: { ...limit.headers, ...response.headers } };
  }

  private identify(request: RecordedRequest): Caller | undefined {
    const apiKey = request.headers['x-api-key'];
    if (typeof apiKey === 'string') {
      const owner = this.apiKeyOwners.get(apiKey);
      return owner ? { credential: apiKey, owner, viaOAuth: false } : undefined;
    }
    const token = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const owner = token === undefined ? undefined : this.oauthTokenOwners.get(token);
    return owner ? { credential: token!, owner, viaOAuth: true } : undefined;
  }

  /** Recorded by the caller, or shared with the caller's team. */
  private visibleTo(caller: Caller, meeting: FathomMeeting): boolean {
    if (meeting.recorded_by.email.toLowerCase() === caller.owner.email) return true;
    const team = caller.owner.team;
    return team !== undefined && (this.sharedWithTeams.get(meeting.recording_id) ?? []).includes(team);
  }

  private countAgainstRateLimit(credential: string): { exceeded: boolean; headers: Record<string, string> } {
    const now = Date.now();
    const windowMs = this.rateLimit.windowSeconds * 1000;
    let window = this.rateWindows.get(credential);
    if (!window || now - window.startedAt >= windowMs) {
      window = { startedAt: now, count: 0 };
      this.rateWindows.set(credential, window);
    }
    window.count += 1;
    const exceeded = window.count > this.rateLimit.limit;
    return {
      exceeded,
      headers: {
        'ratelimit-limit': String(this.rateLimit.limit),
        'ratelimit-remaining': String(Math.max(0, this.rateLimit.limit - window.count)),
        'ratelimit-reset': String(Math.ceil((window.startedAt + windowMs - now) / 1000)),
      },
    };
  }

  /** 204 once deleted; 404 for a webhook that is gone or belongs to another account. */
  private deleteWebhook(caller: Caller, id: string): EmulatorResponse {
    const index = this.registeredWebhooks.findIndex((webhook) => webhook.id === id && webhook.ownerEmail === caller.owner.email);
    if (index < 0) return { status: 404, body: { error: 'Not found' } };
    this.registeredWebhooks.splice(index, 1);
    return { status: 204 };
  }

  private createWebhook(request: RecordedRequest, caller: Caller): EmulatorResponse {
    const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>;
    const destination = typeof body.destination_url === 'string' ? body.destination_url : '';
    const triggers = Array.isArray(body.triggered_for) ? body.triggered_for.filter((value): value is string => typeof value === 'string') : [];
    if (!/^https?:\/\//.test(destination)) return badRequest('destination_url must be a URL');
    if (triggers.length === 0 || triggers.some((trigger) => !TRIGGERS.includes(trigger))) return badRequest(`triggered_for must list one or more of ${TRIGGERS.join(', ')}`);
    const flag = (name: string) => body[name] === true;
    const webhook: FathomWebhookRegistration = {
      id: `wh_${randomBytes(8).toString('hex')}`,
      url: destination,
      secret: `whsec_${randomBytes(24).toString('base64')}`,
      ownerEmail: caller.owner.email,
      include_transcript: flag('include_transcript'),
      triggered_for: triggers,
    };
    this.registeredWebhooks.push(webhook);
    const { ownerEmail: _owner, ...answer } = webhook;
    return {
      status: 201,
      body: { ...answer, created_at: new Date().toISOString(), include_summary: flag('include_summary'), include_action_items: flag('include_action_items'), include_crm_matches: flag('include_crm_matches') },
    };
  }

  private listMeetings(request: RecordedRequest, caller: Caller): EmulatorResponse {
    const query = request.query;
    const include = (name: string) => query.get(`include_${name}`) === 'true';
    if (caller.viaOAuth && (include('transcript') || include('summary'))) {
      return badRequest('include_transcript and include_summary are not available to OAuth apps; use /recordings/{recording_id}/transcript or /summary');
    }
    const createdAfter = parseTime(query.get('created_after'));
    const createdBefore = parseTime(query.get('created_before'));
    if (Number.isNaN(createdAfter) || Number.isNaN(createdBefore)) return badRequest('created_after and created_before must be ISO 8601 timestamps');
    const domainsType = (query.get('calendar_invitees_domains_type') ?? 'all') as InviteeDomainsType;
    if (!DOMAIN_TYPES.includes(domainsType)) return badRequest(`calendar_invitees_domains_type must be one of ${DOMAIN_TYPES.join(', ')}`);
    const offset = decodeCursor(query.get('cursor'));
    if (offset === undefined) return badRequest('Invalid cursor');

    const recordedBy = listParam(query, 'recorded_by').map((email) => email.toLowerCase());
    const domains = listParam(query, 'calendar_invitees_domains').map((domain) => domain.toLowerCase());
    const teams = listParam(query, 'teams');
    const matching = [...this.meetings.values()]
      .filter((meeting) => this.visibleTo(caller, meeting))
      .filter((meeting) => recordedBy.length === 0 || recordedBy.includes(meeting.recorded_by.email.toLowerCase()))
      .filter((meeting) => teams.length === 0 || teams.includes(meeting.recorded_by.team ?? ''))
      .filter((meeting) => domainsType === 'all' || meeting.calendar_invitees_domains_type === domainsType)
      .filter((meeting) => domains.length === 0 || meeting.calendar_invitees.some((invitee) => domains.includes(invitee.email_domain?.toLowerCase() ?? '')))
      .filter((meeting) => createdAfter === undefined || Date.parse(meeting.created_at) > createdAfter)
      .filter((meeting) => createdBefore === undefined || Date.parse(meeting.created_at) < createdBefore)
      // Newest first, the order Fathom lists meetings in.
      .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.recording_id - a.recording_id);

    const page = matching.slice(offset, offset + this.pageSize);
    const nextOffset = offset + page.length;
    return {
      status: 200,
      body: {
        limit: this.pageSize,
        next_cursor: nextOffset < matching.length ? encodeCursor(nextOffset) : null,
        items: page.map((meeting) => ({
          ...structuredClone(meeting),
          transcript: include('transcript') ? (meeting.transcript ?? null) : null,
          default_summary: include('summary') ? (meeting.default_summary ?? null) : null,
          action_items: include('action_items') ? (meeting.action_items ?? null) : null,
          crm_matches: include('crm_matches') ? (meeting.crm_matches ?? null) : null,
        })),
      },
    };
  }

  private recordingPart(request: RecordedRequest, caller: Caller, recordingId: number, part: (meeting: FathomMeeting) => object): EmulatorResponse {
    // The asynchronous destination_url mode is not emulated; refuse loudly rather than answer synchronously.
    if (request.query.has('destination_url')) return badRequest('The emulator does not support destination_url; omit it to get the result in the response');
    const meeting = this.meetings.get(recordingId);
    if (!meeting || !this.visibleTo(caller, meeting)) return this.notFound();
    return { status: 200, body: structuredClone(part(meeting)) };
  }
}

function badRequest(error: string): EmulatorResponse {
  return { status: 400, body: { error } };
}

/** Fathom's array params are `name[]=a&name[]=b`; the bare name is accepted too. */
function listParam(query: URLSearchParams, name: string): string[] {
  return [...query.getAll(`${name}[]`), ...query.getAll(name)].filter(Boolean);
}

/** undefined when absent, NaN when malformed. */
function parseTime(value: string | null): number | undefined {
  return value === null ? undefined : Date.parse(value);
}

function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

/** Page offset from an opaque cursor; 0 without one, undefined when the cursor is not ours. */
function decodeCursor(cursor: string | null): number | undefined {
  if (!cursor) return 0;
  try {
    const { offset } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { offset?: unknown };
    return Number.isInteger(offset) && (offset as number) >= 0 ? (offset as number) : undefined;
  } catch {
    return undefined;
  }
}

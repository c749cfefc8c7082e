import { bearerToken, OAuthCrmEmulator, type IssuedTokens } from './crm-oauth-tokens';
import type { EmulatorResponse, RecordedRequest } from './http-emulator';
import { RollingWindowLimit } from './rolling-window-limit';

/**
 * Pipedrive as the official SDK talks to it: OAuth token endpoint (Basic client auth, rotating
 * refresh tokens, api_domain), API v2 for organizations/deals/pipelines/stages/persons/
 * activities with cursor paging, and API v1 notes with start/limit paging. Errors use
 * Pipedrive's `{ success: false, error, error_info, data: null, additional_data: null }`, and
 * every answer carries the x-ratelimit-* headers of the 2-second burst window. Over that window
 * (per token, rolling: api-contracts.md §5, the lowest plan's figures: 20 for an api_token, 80
 * for an OAuth access token, 10 for searches whatever the plan) it answers 429, as Pipedrive does,
 * by default. The token-based daily budget is not modelled (its costs are unconfirmed).
 *
 * An organization's website is its built-in `website` field (API v2 OrganizationItem.website in
 * the pipedrive SDK 33.x models that api-contracts.md §5 was read from). The organization search
 * looks only in name, address, notes and custom fields (SDK `searchOrganization` `fields`), so
 * the website is found by listing organizations, not by searching.
 */
export interface PipedriveOrganization {
  id: number;
  name: string;
  website: string | null;
  customFields: Record<string, string | null>;
}

export interface PipedriveDeal {
  id: number;
  title: string;
  org_id: number | null;
  person_id: number | null;
  pipeline_id: number;
  stage_id: number;
  value: number | null;
  currency: string;
  status: 'open' | 'won' | 'lost' | 'deleted';
  expected_close_date: string | null;
  add_time: string;
  update_time: string;
}

export interface PipedriveNote {
  id: number;
  content: string;
  org_id: number | null;
  deal_id: number | null;
  person_id: number | null;
  add_time: string;
}

export interface PipedriveActivity {
  id: number;
  subject: string;
  type: string;
  org_id: number | null;
  deal_id: number | null;
  person_id: number | null;
  due_date: string | null;
  due_time: string | null;
  done: boolean;
  note: string | null;
  add_time: string;
}

interface Person {
  id: number;
  name: string;
  emails: string[];
  org_id: number | null;
}

interface Stage {
  id: number;
  name: string;
  pipeline_id: number;
  order_nr: number;
}

const activityTypes = ['call', 'meeting', 'task', 'deadline', 'email', 'lunch'];
const errorInfo = 'Please check developers.pipedrive.com for more information about Pipedrive API.';
const burstWindowSeconds = 2;
const burstLimits = { apiToken: 20, oauth: 80, search: 10 } as const;

export class PipedriveEmulator extends OAuthCrmEmulator {
  readonly oauthClient = { clientId: 'pipedrive-emulator-client', clientSecret: 'pipedrive-emulator-secret' };
  /** API tokens accepted in x-api-token (the non-OAuth way in). */
  readonly apiTokens = new Set<string>();
  /** Clamps page sizes (500 in the real API) so tests can page with little data. */
  maxPageSize = 500;
  readonly pipelines = [{ id: 1, name: 'Sales pipeline', order_nr: 1 }];
  readonly stages: Stage[] = [
    { id: 1, name: 'Qualified', pipeline_id: 1, order_nr: 1 },
    { id: 2, name: 'Contact Made', pipeline_id: 1, order_nr: 2 },
    { id: 3, name: 'Demo Scheduled', pipeline_id: 1, order_nr: 3 },
    { id: 4, name: 'Proposal Made', pipeline_id: 1, order_nr: 4 },
    { id: 5, name: 'Negotiations Started', pipeline_id: 1, order_nr: 5 },
  ];
  private readonly organizations = new Map<number, PipedriveOrganization>();
  private readonly people = new Map<number, Person>();
  private readonly dealRecords = new Map<number, PipedriveDeal>();
  private readonly noteRecords = new Map<number, PipedriveNote>();
  private readonly activityRecords = new Map<number, PipedriveActivity>();
  private nextId = 1;
  /** Pipedrive's burst windows per token; tests may replace them. */
  burstLimits = {
    apiToken: new RollingWindowLimit(burstLimits.apiToken, burstWindowSeconds * 1000),
    oauth: new RollingWindowLimit(burstLimits.oauth, burstWindowSeconds * 1000),
    search: new RollingWindowLimit(burstLimits.search, burstWindowSeconds * 1000),
  };

  constructor() {
    // Pipedrive hands out a new refresh token on every refresh.
    super('pipedrive', { prefix: 'pd', accessTokenTtlSeconds: 3599, rotateRefreshTokens: true });
    this.route('POST', /^\/oauth\/token$/, (request) => this.token(request));
    this.route('POST', /^\/oauth\/revoke$/, (request) => this.revoke(request));
    this.route('GET', /^\/api\/v2\/organizations$/, (request) => this.api(request, () => this.listOrganizations(request)));
    this.route('GET', /^\/api\/v2\/organizations\/search$/, (request) => this.api(request, () => this.searchOrganizations(request)));
    this.route('GET', /^\/api\/v2\/organizations\/(\d+)$/, (request, [id]) => this.api(request, () => this.getOrganization(Number(id))));
    this.route('GET', /^\/api\/v2\/deals$/, (request) => this.api(request, () => this.listDeals(request)));
    this.route('GET', /^\/api\/v2\/deals\/(\d+)$/, (request, [id]) => this.api(request, () => this.getDeal(Number(id))));
    this.route('PATCH', /^\/api\/v2\/deals\/(\d+)$/, (request, [id]) => this.api(request, () => this.updateDeal(request, Number(id))));
    this.route('GET', /^\/api\/v2\/pipelines$/, (request) => this.api(request, () => this.cursorPage(request, this.pipelines.map(pipelineView))));
    this.route('GET', /^\/api\/v2\/stages$/, (request) => this.api(request, () => this.listStages(request)));
    this.route('GET', /^\/api\/v2\/persons\/search$/, (request) => this.api(request, () => this.searchPersons(request)));
    this.route('GET', /^\/api\/v2\/activities$/, (request) => this.api(request, () => this.listActivities(request)));
    this.route('POST', /^\/api\/v2\/activities$/, (request) => this.api(request, () => this.addActivity(request)));
    this.route('GET', /^\/api\/v1\/notes$/, (request) => this.api(request, () => this.listNotes(request)));
    this.route('POST', /^\/api\/v1\/notes$/, (request) => this.api(request, () => this.createNote(request)));
  }

  // --- seeding -------------------------------------------------------------------------

  /** An organization; `website` is Pipedrive's built-in field, `customFields` are keyed by field hash. */
  addOrganization(input: { name: string; website?: string; customFields?: Record<string, string | null> }): number {
    const id = this.nextId++;
    this.organizations.set(id, { id, name: input.name, website: input.website ?? null, customFields: input.customFields ?? {} });
    return id;
  }

  addPerson(input: { name: string; email?: string; orgId?: number }): number {
    const id = this.nextId++;
    this.people.set(id, { id, name: input.name, emails: input.email ? [input.email] : [], org_id: input.orgId ?? null });
    return id;
  }

  addDeal(input: { title: string; orgId: number; stageId?: number; value?: number | null; status?: PipedriveDeal['status'] }): number {
    const id = this.nextId++;
    const stage = this.stages.find((candidate) => candidate.id === (input.stageId ?? 1))!;
    const now = pipedriveTime();
    this.dealRecords.set(id, {
      id,
      title: input.title,
      org_id: input.orgId,
      person_id: null,
      pipeline_id: stage.pipeline_id,
      stage_id: stage.id,
      value: input.value ?? null,
      currency: 'EUR',
      status: input.status ?? 'open',
      expected_close_date: null,
      add_time: now,
      update_time: now,
    });
    return id;
  }

  /** A note written by someone else on the organization. */
  addNote(input: { orgId: number; content: string }): number {
    const id = this.nextId++;
    this.noteRecords.set(id, { id, content: input.content, org_id: input.orgId, deal_id: null, person_id: null, add_time: pipedriveTime() });
    return id;
  }

  addStage(stage: Stage): void {
    this.stages.push(stage);
  }

  // --- inspection ----------------------------------------------------------------------

  notes(): PipedriveNote[] {
    return [...this.noteRecords.values()].map((note) => ({ ...note }));
  }

  tasks(): PipedriveActivity[] {
    return [...this.activityRecords.values()].map((activity) => ({ ...activity }));
  }

  deals(): PipedriveDeal[] {
    return [...this.dealRecords.values()].map((deal) => ({ ...deal }));
  }

  // --- knobs ---------------------------------------------------------------------------

  override issueTokens(): IssuedTokens & { apiDomain: string } {
    return { ...super.issueTokens(), apiDomain: this.url };
  }

  /** The burst limiter: 429 with x-ratelimit-* headers, plus Retry-After when given. */
  rateLimitNext(times = 1, retryAfterSeconds?: number): void {
    const headers: Record<string, string> = {
      'x-ratelimit-limit': String(burstLimits.oauth),
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(burstWindowSeconds),
    };
    if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
    this.injectFault({ path: /^\/api\//, times, fault: { status: 429, headers, body: errorBody('Request over limit') } });
  }

  serverErrorNext(times = 1, status = 500): void {
    this.injectFault({ path: /^\/api\//, times, fault: { status, body: errorBody('Internal server error') } });
  }

  unauthorizedNext(times = 1): void {
    this.injectFault({ path: /^\/api\//, times, fault: { status: 401, body: errorBody('Unauthorized access') } });
  }

  // --- handlers ------------------------------------------------------------------------

  protected override notFound(request: RecordedRequest): EmulatorResponse {
    return { status: 404, body: errorBody(`Unknown method ${request.method} ${request.path}`) };
  }

  /** Like the token endpoint, the revoke endpoint takes the client by HTTP Basic only. */
  private revoke(request: RecordedRequest): EmulatorResponse {
    if (!this.isOAuthClient(request)) return { status: 401, body: { success: false, error: 'invalid_client', message: 'Invalid client credentials' } };
    const form = asRecord(request.body);
    if (!this.tokens.revoke(form.token)) return { status: 400, body: { success: false, error: 'invalid_token', message: 'Token is invalid or already revoked' } };
    return { status: 200, body: undefined };
  }

  private isOAuthClient(request: RecordedRequest): boolean {
    return request.headers.authorization === `Basic ${Buffer.from(`${this.oauthClient.clientId}:${this.oauthClient.clientSecret}`).toString('base64')}`;
  }

  private token(request: RecordedRequest): EmulatorResponse {
    if (!this.isOAuthClient(request)) {
      return { status: 401, body: { success: false, error: 'invalid_client', message: 'Invalid client credentials' } };
    }
    const form = asRecord(request.body);
    if (form.grant_type !== 'refresh_token' && form.grant_type !== 'authorization_code') {
      return { status: 400, body: { success: false, error: 'unsupported_grant_type', message: 'Unsupported grant type' } };
    }
    const byCode = form.grant_type === 'authorization_code';
    const issued = byCode ? this.tokens.redeemAuthCode(form.code, form.redirect_uri) : this.tokens.refresh(typeof form.refresh_token === 'string' ? form.refresh_token : undefined);
    if (!issued) return { status: 400, body: { success: false, error: 'invalid_grant', message: `Invalid grant: ${byCode ? 'authorization code' : 'refresh token'} is invalid` } };
    return {
      status: 200,
      body: {
        access_token: issued.accessToken,
        token_type: 'Bearer',
        refresh_token: issued.refreshToken,
        scope: 'base,deals:full,contacts:full,activities:full',
        expires_in: issued.expiresIn,
        api_domain: this.url,
      },
    };
  }

  private api(request: RecordedRequest, handle: () => EmulatorResponse): EmulatorResponse {
    const apiToken = request.headers['x-api-token'] ?? request.query.get('api_token') ?? undefined;
    const bearer = bearerToken(request.headers.authorization);
    const viaApiToken = typeof apiToken === 'string' && this.apiTokens.has(apiToken);
    if (!viaApiToken && this.tokens.check(bearer) !== 'valid') return { status: 401, body: errorBody('Unauthorized access') };
    const token = viaApiToken ? apiToken : bearer!;
    const window = request.path.endsWith('/search') ? this.burstLimits.search : viaApiToken ? this.burstLimits.apiToken : this.burstLimits.oauth;
    const verdict = window.admit(token);
    const headers = {
      'x-ratelimit-limit': String(verdict.limit),
      'x-ratelimit-remaining': String(verdict.remaining),
      'x-ratelimit-reset': String(Math.max(1, Math.ceil(verdict.retryAfterMs / 1000))),
    };
    if (!verdict.admitted) return { status: 429, headers, body: errorBody('Request over limit') };
    const response = handle();
    return { ...response, headers: { ...response.headers, ...headers } };
  }

  private searchOrganizations(request: RecordedRequest): EmulatorResponse {
    const search = searchTerm(request);
    if ('error' in search) return search.error;
    const fields = request.query.get('fields')?.split(',') ?? ['name', 'address', 'custom_fields', 'notes'];
    const hits = [...this.organizations.values()].filter((organization) => {
      const candidates = [
        ...(fields.includes('name') ? [organization.name] : []),
        ...(fields.includes('custom_fields') ? Object.values(organization.customFields).filter((value): value is string => value !== null) : []),
      ];
      return candidates.some((value) => search.matches(value));
    });
    return this.cursorPage(
      request,
      hits.map((organization) => ({
        result_score: 1,
        item: {
          id: organization.id,
          type: 'organization',
          name: organization.name,
          address: null,
          visible_to: 3,
          owner: { id: 1 },
          custom_fields: Object.values(organization.customFields).filter((value): value is string => value !== null),
          notes: [],
        },
      })),
      (items) => ({ items }),
    );
  }

  private getOrganization(id: number): EmulatorResponse {
    const organization = this.organizations.get(id);
    if (!organization) return { status: 404, body: errorBody('Organization not found') };
    return { status: 200, body: { success: true, data: organizationView(organization) } };
  }

  /** `GET /api/v2/organizations`: `ids` (up to 100), `sort_by` id|update_time|add_time, `sort_direction`, cursor paging. */
  private listOrganizations(request: RecordedRequest): EmulatorResponse {
    const sortBy = request.query.get('sort_by') ?? 'id';
    const direction = request.query.get('sort_direction') ?? 'asc';
    if (!['id', 'update_time', 'add_time'].includes(sortBy) || !['asc', 'desc'].includes(direction)) {
      return { status: 400, body: errorBody('Invalid sort_by or sort_direction') };
    }
    const ids = request.query.get('ids')?.split(',').map(Number);
    if (ids && (ids.length > 100 || ids.some((id) => !Number.isInteger(id)))) return { status: 400, body: errorBody('ids must be up to 100 integers') };
    // Organizations are never edited here, so add and update order are both id order.
    const organizations = [...this.organizations.values()]
      .filter((organization) => !ids || ids.includes(organization.id))
      .sort((a, b) => (direction === 'desc' ? b.id - a.id : a.id - b.id));
    return this.cursorPage(request, organizations.map(organizationView));
  }

  private listDeals(request: RecordedRequest): EmulatorResponse {
    const orgId = request.query.get('org_id');
    const status = request.query.get('status');
    const deals = [...this.dealRecords.values()].filter(
      (deal) => (orgId === null || deal.org_id === Number(orgId)) && (status === null ? deal.status !== 'deleted' : deal.status === status),
    );
    return this.cursorPage(request, deals.map(dealView));
  }

  private getDeal(id: number): EmulatorResponse {
    const deal = this.dealRecords.get(id);
    return deal ? { status: 200, body: { success: true, data: dealView(deal) } } : { status: 404, body: errorBody('Deal not found') };
  }

  private updateDeal(request: RecordedRequest, id: number): EmulatorResponse {
    const deal = this.dealRecords.get(id);
    if (!deal) return { status: 404, body: errorBody('Deal not found') };
    const changes = asRecord(request.body);
    if ('stage_id' in changes) {
      const stage = this.stages.find((candidate) => candidate.id === changes.stage_id);
      if (!stage) return { status: 400, body: errorBody(`Stage with id ${String(changes.stage_id)} not found`) };
      deal.stage_id = stage.id;
      deal.pipeline_id = stage.pipeline_id;
    }
    if ('value' in changes) {
      if (changes.value !== null && typeof changes.value !== 'number') return { status: 400, body: errorBody('value must be a number') };
      deal.value = changes.value as number | null;
    }
    deal.update_time = pipedriveTime();
    return { status: 200, body: { success: true, data: dealView(deal) } };
  }

  private listStages(request: RecordedRequest): EmulatorResponse {
    const pipelineId = request.query.get('pipeline_id');
    const stages = this.stages.filter((stage) => pipelineId === null || stage.pipeline_id === Number(pipelineId));
    return this.cursorPage(
      request,
      stages.map((stage) => ({
        ...stage,
        is_deleted: false,
        deal_probability: 100,
        is_deal_rot_enabled: false,
        days_to_rotten: null,
        add_time: pipedriveTime(),
        update_time: pipedriveTime(),
      })),
    );
  }

  private searchPersons(request: RecordedRequest): EmulatorResponse {
    const search = searchTerm(request);
    if ('error' in search) return search.error;
    const organizationId = request.query.get('organization_id');
    const hits = [...this.people.values()].filter(
      (person) => (organizationId === null || person.org_id === Number(organizationId)) && [person.name, ...person.emails].some((value) => search.matches(value)),
    );
    return this.cursorPage(
      request,
      hits.map((person) => {
        const organization = person.org_id === null ? undefined : this.organizations.get(person.org_id);
        return {
          result_score: 1,
          item: {
            id: person.id,
            type: 'person',
            name: person.name,
            phones: [],
            emails: person.emails,
            visible_to: 3,
            owner: { id: 1 },
            organization: organization ? { id: organization.id, name: organization.name, address: null } : null,
            custom_fields: [],
            notes: [],
          },
        };
      }),
      (items) => ({ items }),
    );
  }

  private listActivities(request: RecordedRequest): EmulatorResponse {
    const orgId = request.query.get('org_id');
    const descending = request.query.get('sort_direction') === 'desc';
    const activities = [...this.activityRecords.values()]
      .filter((activity) => orgId === null || activity.org_id === Number(orgId))
      .sort((a, b) => (descending ? -1 : 1) * (a.add_time.localeCompare(b.add_time) || a.id - b.id));
    return this.cursorPage(request, activities.map((activity) => ({ ...activity, is_deleted: false, owner_id: 1, update_time: activity.add_time })));
  }

  private addActivity(request: RecordedRequest): EmulatorResponse {
    const body = asRecord(request.body);
    const type = typeof body.type === 'string' ? body.type : 'task';
    if (!activityTypes.includes(type)) return { status: 400, body: errorBody(`Activity type "${type}" does not exist`) };
    if (body.due_date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(body.due_date))) return { status: 400, body: errorBody('Invalid due_date') };
    if (body.due_time !== undefined && !/^\d{2}:\d{2}$/.test(String(body.due_time))) return { status: 400, body: errorBody('Invalid due_time') };
    const missing = this.missingReference(body);
    if (missing) return { status: 400, body: errorBody(missing) };
    const id = this.nextId++;
    const activity: PipedriveActivity = {
      id,
      subject: typeof body.subject === 'string' ? body.subject : 'Task',
      type,
      org_id: numberOrNull(body.org_id),
      deal_id: numberOrNull(body.deal_id),
      person_id: numberOrNull(body.person_id),
      due_date: typeof body.due_date === 'string' ? body.due_date : null,
      due_time: typeof body.due_time === 'string' ? body.due_time : null,
      done: body.done === true,
      note: typeof body.note === 'string' ? body.note : null,
      add_time: pipedriveTime(),
    };
    this.activityRecords.set(id, activity);
    return { status: 201, body: { success: true, data: { ...activity, is_deleted: false, owner_id: 1, update_time: activity.add_time } } };
  }

  private listNotes(request: RecordedRequest): EmulatorResponse {
    const orgId = request.query.get('org_id');
    const [sortField = 'id', sortDirection = 'ASC'] = (request.query.get('sort') ?? 'id ASC').split(/\s+/);
    const sign = sortDirection.toUpperCase() === 'DESC' ? -1 : 1;
    const notes = [...this.noteRecords.values()]
      .filter((note) => orgId === null || note.org_id === Number(orgId))
      .sort((a, b) => sign * ((sortField === 'add_time' ? a.add_time.localeCompare(b.add_time) : 0) || a.id - b.id));
    const start = Number(request.query.get('start') ?? 0) || 0;
    const limit = Math.min(Number(request.query.get('limit') ?? 100) || 100, 500, this.maxPageSize);
    const page = notes.slice(start, start + limit);
    const more = start + limit < notes.length;
    return {
      status: 200,
      body: {
        success: true,
        data: page.map((note) => this.noteView(note)),
        additional_data: { pagination: { start, limit, more_items_in_collection: more, ...(more ? { next_start: start + limit } : {}) } },
      },
    };
  }

  private createNote(request: RecordedRequest): EmulatorResponse {
    const body = asRecord(request.body);
    if (typeof body.content !== 'string' || body.content === '') return { status: 400, body: errorBody('Note content is required') };
    if (body.org_id === undefined && body.deal_id === undefined && body.person_id === undefined && body.lead_id === undefined) {
      return { status: 400, body: errorBody('Note must be attached to a deal, person, organization, lead or project') };
    }
    const missing = this.missingReference(body);
    if (missing) return { status: 400, body: errorBody(missing) };
    const id = this.nextId++;
    const note: PipedriveNote = {
      id,
      content: body.content,
      org_id: numberOrNull(body.org_id),
      deal_id: numberOrNull(body.deal_id),
      person_id: numberOrNull(body.person_id),
      add_time: pipedriveTime(),
    };
    this.noteRecords.set(id, note);
    return { status: 200, body: { success: true, data: this.noteView(note) } };
  }

  // --- helpers -------------------------------------------------------------------------

  private missingReference(body: Record<string, unknown>): string | undefined {
    if (body.org_id !== undefined && !this.organizations.has(Number(body.org_id))) return 'Organization not found';
    if (body.deal_id !== undefined && !this.dealRecords.has(Number(body.deal_id))) return 'Deal not found';
    if (body.person_id !== undefined && !this.people.has(Number(body.person_id))) return 'Person not found';
    return undefined;
  }

  private noteView(note: PipedriveNote): Record<string, unknown> {
    const organization = note.org_id === null ? undefined : this.organizations.get(note.org_id);
    const deal = note.deal_id === null ? undefined : this.dealRecords.get(note.deal_id);
    return {
      ...note,
      user_id: 1,
      update_time: note.add_time,
      active_flag: true,
      pinned_to_deal_flag: false,
      pinned_to_organization_flag: false,
      pinned_to_person_flag: false,
      organization: organization ? { name: organization.name } : null,
      deal: deal ? { title: deal.title } : null,
      person: null,
    };
  }

  /** v2 paging: `limit` (max 500) and an opaque `cursor`; next_cursor is null on the last page. */
  private cursorPage(request: RecordedRequest, items: unknown[], wrap: (items: unknown[]) => unknown = (page) => page): EmulatorResponse {
    const limit = Math.min(Number(request.query.get('limit') ?? 100) || 100, 500, this.maxPageSize);
    const cursor = request.query.get('cursor');
    const offset = cursor ? Number(Buffer.from(cursor, 'base64url').toString('utf8').replace(/^offset:/, '')) || 0 : 0;
    const end = offset + limit;
    const nextCursor = end < items.length ? Buffer.from(`offset:${end}`).toString('base64url') : null;
    return { status: 200, body: { success: true, data: wrap(items.slice(offset, end)), additional_data: { next_cursor: nextCursor } } };
  }
}

function searchTerm(request: RecordedRequest): { matches: (value: string) => boolean } | { error: EmulatorResponse } {
  const term = (request.query.get('term') ?? '').trim().toLowerCase();
  const exact = request.query.get('exact_match') === 'true';
  if (term.length < (exact ? 1 : 2)) {
    return { error: { status: 400, body: errorBody('Search term must be at least 2 characters long, or 1 with exact_match') } };
  }
  return { matches: (value) => (exact ? value.toLowerCase() === term : value.toLowerCase().includes(term)) };
}

function pipelineView(pipeline: { id: number; name: string; order_nr: number }): Record<string, unknown> {
  const now = pipedriveTime();
  return { ...pipeline, is_deleted: false, is_deal_probability_enabled: false, add_time: now, update_time: now };
}

function organizationView(organization: PipedriveOrganization): Record<string, unknown> {
  const now = pipedriveTime();
  return {
    id: organization.id,
    name: organization.name,
    owner_id: 1,
    add_time: now,
    update_time: now,
    is_deleted: false,
    visible_to: 3,
    address: null,
    website: organization.website,
    label_ids: [],
    custom_fields: organization.customFields,
  };
}

function dealView(deal: PipedriveDeal): Record<string, unknown> {
  return {
    ...deal,
    owner_id: 1,
    is_deleted: deal.status === 'deleted',
    is_archived: false,
    probability: null,
    lost_reason: null,
    visible_to: 3,
    close_time: null,
    won_time: null,
    lost_time: null,
    label_ids: [],
    custom_fields: {},
  };
}

/** Pipedrive's timestamp format: "2025-03-01 17:05:00" (UTC). */
function pipedriveTime(): string {
  return new Date().toISOString().slice(0, 19).replace('T', ' ');
}

function numberOrNull(value: unknown): number | null {
  return value === undefined || value === null ? null : Number(value);
}

function errorBody(error: string): Record<string, unknown> {
  return { success: false, error, error_info: errorInfo, data: null, additional_data: null };
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

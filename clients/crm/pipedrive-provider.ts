import { v1, v2 } from 'pipedrive';
import { ExternalServiceError, errorFromHttpStatus, errorFromNetworkFailure, parseRetryAfter } from '../../domain/service-errors';
import {
  type CreateNoteInput,
  type CreateTaskInput,
  type CrmCredentials,
  type CrmProvider,
  type CrmProviderSettings,
  type UpdateDealInput,
} from './crm-provider';
import { normaliseDomain, type CrmAccount, type CrmCapability, type CrmContact, type CrmDeal, type CrmDealStage, type CrmNote, type CrmTask } from '../../domain/crm';
import { CredentialSession } from './credential-session';
import { crmTokenRefresher } from './crm-oauth-connect';
import { hasIdempotencyMarker, recordHtml } from './record-text';
import { domainOfWebsite, websiteMatchesDomain } from './website-domain';
import { crmCapabilities } from './crm-capabilities';
import { InProcessRateLimitStore } from '../in-process-rate-limit-store';
import { passRateLimit, rateLimitKey, type BucketRate, type RateLimitGate } from '../rate-limit-store';
import { pipedriveApiTokenRate, pipedriveOAuthRate, pipedriveSearchRate } from '../service-rate-limits';

/** Longer waits become the activity's retry delay, so no worker slot sleeps through them. */
const maxRateLimitWaitMs = 2_000;
/** Pipedrive's burst window, the pause after a 429 that says no longer. */
const pipedriveBurstWindowMs = 2_000;

const defaultApiBaseUrl = 'https://api.pipedrive.com';
const defaultOAuthBaseUrl = 'https://oauth.pipedrive.com';
const defaultTimeoutMs = 30_000;
/** v2 lists take up to 500 per page; v1 notes up to 500 too. */
const pageSize = 100;
const maxListPages = 20;
/** Organizations per list page, the v2 maximum: one call reads 500 websites. */
const organizationListPageSize = 500;
/** 20 list calls (~400 of the daily API tokens, api-contracts.md §5) cover 10,000 organizations. */
const maxOrganizationListPages = 20;

interface PipedriveApis {
  organizations: v2.OrganizationsApi;
  deals: v2.DealsApi;
  pipelines: v2.PipelinesApi;
  stages: v2.StagesApi;
  persons: v2.PersonsApi;
  activities: v2.ActivitiesApi;
  notes: v1.NotesApi;
}

/**
 * Pipedrive through the official SDK: v2 for organizations, deals, stages, persons and
 * activities; v1 for notes, which exist only there. Accounts are organizations. Notes attach
 * to the organization and, when given, the deal (org_id + deal_id on one note). Follow-up
 * tasks are activities of type "task".
 *
 * An organization's website is its built-in `website` field (v2 OrganizationItem.website in the
 * SDK), which the organization search does not look in (it covers name, address, notes and custom
 * fields). So a domain is found by listing organizations, most recently updated first, and
 * comparing each website by exact domain; accounts beyond `maxOrganizationListPages` full pages
 * (the least recently touched) are not searched.
 * Find-by-key pages the organization's notes (activities for tasks) newest first and checks
 * the content for the marker.
 */
export function createPipedriveProvider(settings: CrmProviderSettings): CrmProvider {
  return new PipedriveProvider(settings);
}

class PipedriveProvider implements CrmProvider {
  readonly name = 'pipedrive' as const;
  readonly capabilities: ReadonlySet<CrmCapability> = crmCapabilities.pipedrive;
  private readonly session: CredentialSession;
  private readonly timeoutMs: number;
  private apis?: { key: string; apis: PipedriveApis; webBase?: string };
  private readonly rateLimits: RateLimitGate;

  constructor(private readonly settings: CrmProviderSettings) {
    this.timeoutMs = settings.requestTimeoutMs ?? defaultTimeoutMs;
    this.rateLimits = { store: settings.rateLimits ?? new InProcessRateLimitStore(), maxWaitMs: maxRateLimitWaitMs };
    this.session = new CredentialSession({
      service: 'pipedrive',
      source: settings.credentials,
      refresh: crmTokenRefresher('pipedrive', { tokenUrl: `${settings.oauthBaseUrl ?? defaultOAuthBaseUrl}/oauth/token`, client: settings.oauthClient, timeoutMs: this.timeoutMs }),
    });
  }

  async searchAccountsByDomain(domain: string): Promise<CrmAccount[]> {
    const target = normaliseDomain(domain);
    if (target.length < 2) return [];
    const accounts: CrmAccount[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < maxOrganizationListPages; page += 1) {
      const result = await this.call(({ organizations }) =>
        organizations.getOrganizations({ sort_by: 'update_time', sort_direction: 'desc', limit: organizationListPageSize, cursor }),
      );
      for (const organization of result.data ?? []) {
        if (organization.id === undefined || organization.is_deleted || !websiteMatchesDomain(organization.website, target)) continue;
        accounts.push({ id: String(organization.id), name: organization.name ?? String(organization.id), domain: target, url: this.webUrl('organization', organization.id) });
      }
      cursor = result.additional_data?.next_cursor ?? undefined;
      if (!cursor) break;
    }
    return accounts;
  }

  async searchAccountsByName(name: string, limit = 10): Promise<CrmAccount[]> {
    const term = name.trim();
    if (!term) return [];
    // The search needs two characters, or one with an exact match.
    const result = await this.call(
      ({ organizations }) => organizations.searchOrganization({ term, fields: 'name', exact_match: term.length < 2, limit: Math.min(limit, 500) }),
      { search: true },
    );
    return (result.data?.items ?? []).flatMap(({ item }) =>
      item?.id === undefined ? [] : [{ id: String(item.id), name: item.name ?? String(item.id), url: this.webUrl('organization', item.id) }],
    );
  }

  async getAccount(accountId: string): Promise<CrmAccount | null> {
    const id = numericId(accountId);
    if (id === undefined) return null;
    try {
      const result = await this.call(({ organizations }) => organizations.getOrganization({ id }));
      const organization = result.data;
      if (!organization || organization.is_deleted) return null;
      return { id: accountId, name: organization.name ?? accountId, domain: domainOfWebsite(organization.website), url: this.webUrl('organization', id) };
    } catch (error) {
      if (error instanceof ExternalServiceError && error.kind === 'not-found') return null;
      throw error;
    }
  }

  async findNoteByKey(accountId: string, idempotencyKey: string): Promise<CrmNote | null> {
    const orgId = requireId(accountId, 'organization');
    let start = 0;
    for (let page = 0; page < maxListPages; page += 1) {
      const result = await this.call(({ notes }) => notes.getNotes({ org_id: orgId, start, limit: pageSize, sort: 'add_time DESC' }));
      const match = (result.data ?? []).find((note) => hasIdempotencyMarker(note.content, idempotencyKey));
      if (match?.id !== undefined) return { id: String(match.id), url: this.webUrl('organization', orgId) };
      const pagination = result.additional_data?.pagination;
      if (!pagination?.more_items_in_collection || pagination.next_start === undefined) return null;
      start = pagination.next_start;
    }
    return null;
  }

  async createNote(input: CreateNoteInput): Promise<CrmNote> {
    const orgId = requireId(input.accountId, 'organization');
    const dealId = input.dealId === undefined ? undefined : requireId(input.dealId, 'deal');
    const content = recordHtml({ title: input.title, body: input.body, idempotencyKey: input.idempotencyKey });
    const result = await this.call(({ notes }) => notes.addNote({ AddNoteRequest: { content, org_id: orgId, deal_id: dealId } }));
    const id = result.data?.id;
    if (id === undefined) throw unreadable('the created note has no id');
    return { id: String(id), url: this.webUrl('organization', orgId) };
  }

  async listDeals(accountId: string, options: { openOnly?: boolean } = {}): Promise<CrmDeal[]> {
    const orgId = requireId(accountId, 'organization');
    const deals: CrmDeal[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < maxListPages; page += 1) {
      const result = await this.call(({ deals: api }) =>
        api.getDeals({ org_id: orgId, status: options.openOnly ? 'open' : undefined, limit: pageSize, cursor }),
      );
      deals.push(...(result.data ?? []).map((deal) => this.toDeal(deal)));
      cursor = result.additional_data?.next_cursor ?? undefined;
      if (!cursor) break;
    }
    return options.openOnly ? deals.filter((deal) => !deal.isClosed) : deals;
  }

  async listDealStages(): Promise<CrmDealStage[]> {
    const pipelineLabels = new Map<number, string>();
    for (const pipeline of await this.listAll((cursor) => this.call(({ pipelines }) => pipelines.getPipelines({ limit: pageSize, cursor })))) {
      if (pipeline.id !== undefined && !pipeline.is_deleted) pipelineLabels.set(pipeline.id, pipeline.name ?? String(pipeline.id));
    }
    const stages = await this.listAll((cursor) => this.call(({ stages: api }) => api.getStages({ limit: pageSize, cursor })));
    // Pipedrive stages are never "closed": a deal closes by its won/lost status instead.
    return stages
      .filter((stage) => stage.id !== undefined && stage.pipeline_id !== undefined && !stage.is_deleted && pipelineLabels.has(stage.pipeline_id))
      .sort((a, b) => (a.pipeline_id ?? 0) - (b.pipeline_id ?? 0) || (a.order_nr ?? 0) - (b.order_nr ?? 0))
      .map((stage) => ({
        id: String(stage.id),
        label: stage.name ?? String(stage.id),
        pipelineId: String(stage.pipeline_id),
        pipelineLabel: pipelineLabels.get(stage.pipeline_id ?? 0),
        isClosed: false,
      }));
  }

  async updateDeal(input: UpdateDealInput): Promise<CrmDeal> {
    const id = requireId(input.dealId, 'deal');
    const changes: { stage_id?: number; value?: number } = {};
    if (input.stageId !== undefined) changes.stage_id = requireId(input.stageId, 'stage');
    if (input.amount !== undefined) changes.value = input.amount;
    const result =
      Object.keys(changes).length > 0
        ? await this.call(({ deals }) => deals.updateDeal({ id, UpdateDealRequest: changes }))
        : await this.call(({ deals }) => deals.getDeal({ id }));
    if (!result.data) throw unreadable('the deal came back empty');
    return this.toDeal(result.data);
  }

  async searchContacts(query: string, options: { accountId?: string; limit?: number } = {}): Promise<CrmContact[]> {
    const term = query.trim();
    if (term.length < 2) return [];
    const organizationId = options.accountId === undefined ? undefined : requireId(options.accountId, 'organization');
    const result = await this.call(
      ({ persons }) => persons.searchPersons({ term, organization_id: organizationId, limit: Math.min(options.limit ?? 10, 500) }),
      { search: true },
    );
    return (result.data?.items ?? []).flatMap(({ item }) =>
      item?.id === undefined
        ? []
        : [
            {
              id: String(item.id),
              name: item.name ?? item.emails?.[0] ?? String(item.id),
              email: item.emails?.[0],
              accountId: item.organization?.id === undefined ? undefined : String(item.organization.id),
            },
          ],
    );
  }

  async findTaskByKey(accountId: string, idempotencyKey: string): Promise<CrmTask | null> {
    const orgId = requireId(accountId, 'organization');
    let cursor: string | undefined;
    for (let page = 0; page < maxListPages; page += 1) {
      const result = await this.call(({ activities }) =>
        activities.getActivities({ org_id: orgId, sort_by: 'add_time', sort_direction: 'desc', limit: pageSize, cursor }),
      );
      const match = (result.data ?? []).find((activity) => hasIdempotencyMarker(activity.note, idempotencyKey));
      if (match?.id !== undefined) return { id: String(match.id), url: this.webUrl('organization', orgId) };
      cursor = result.additional_data?.next_cursor ?? undefined;
      if (!cursor) return null;
    }
    return null;
  }

  async createTask(input: CreateTaskInput): Promise<CrmTask> {
    const orgId = requireId(input.accountId, 'organization');
    // Pipedrive keeps due_date and due_time in UTC.
    const due = new Date(input.dueAt);
    if (Number.isNaN(due.getTime())) throw new ExternalServiceError({ service: 'pipedrive', kind: 'invalid', userMessage: 'The task due date is not valid.', detail: 'unparseable dueAt' });
    const iso = due.toISOString();
    const result = await this.call(({ activities }) =>
      activities.addActivity({
        AddActivityRequest: {
          subject: input.subject,
          type: 'task',
          org_id: orgId,
          deal_id: input.dealId === undefined ? undefined : requireId(input.dealId, 'deal'),
          person_id: input.contactId === undefined ? undefined : requireId(input.contactId, 'person'),
          due_date: iso.slice(0, 10),
          due_time: iso.slice(11, 16),
          done: false,
          note: recordHtml({ body: input.body, idempotencyKey: input.idempotencyKey }),
        },
      }),
    );
    const id = result.data?.id;
    if (id === undefined) throw unreadable('the created activity has no id');
    return { id: String(id), url: this.webUrl('organization', orgId) };
  }

  private async listAll<T>(fetchPage: (cursor: string | undefined) => Promise<{ data?: T[]; additional_data?: { next_cursor?: string } }>): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < maxListPages; page += 1) {
      const result = await fetchPage(cursor);
      items.push(...(result.data ?? []));
      cursor = result.additional_data?.next_cursor ?? undefined;
      if (!cursor) break;
    }
    return items;
  }

  private toDeal(deal: v2.Deal): CrmDeal {
    return {
      id: String(deal.id),
      name: deal.title ?? String(deal.id),
      stageId: deal.stage_id === undefined ? '' : String(deal.stage_id),
      pipelineId: deal.pipeline_id === undefined ? undefined : String(deal.pipeline_id),
      amount: typeof deal.value === 'number' ? deal.value : null,
      currency: deal.currency,
      closeDate: deal.expected_close_date ?? undefined,
      isClosed: deal.status !== 'open',
      url: deal.id === undefined ? undefined : this.webUrl('deal', deal.id),
    };
  }

  /** Web links need the company domain: from the OAuth api_domain, or the connection's settings. */
  private webUrl(kind: 'organization' | 'deal', id: number): string | undefined {
    const base = this.apis?.webBase;
    return base ? `${base}/${kind}/${id}` : undefined;
  }

  /**
   * One request: it first takes from its token's shared burst bucket (and a search from the
   * search bucket too), and a 429 pauses those buckets for every process until the window resets.
   */
  private call<T>(operation: (apis: PipedriveApis) => Promise<T>, { search = false } = {}): Promise<T> {
    return this.session.run(async (credentials) => {
      const buckets = this.bucketsFor(credentials, search);
      for (const bucket of buckets) {
        await passRateLimit(this.rateLimits, { service: 'pipedrive', ...bucket, userMessage: 'Pipedrive’s rate limit for this account is used up; it will be retried automatically.' });
      }
      try {
        return await operation(this.apisFor(credentials));
      } catch (error) {
        const failure = pipedriveError(error);
        if (failure.status === 429) {
          for (const bucket of buckets) await this.rateLimits.store.pause(bucket.key, bucket.rate, failure.retryAfterMs ?? pipedriveBurstWindowMs);
        }
        throw failure;
      }
    });
  }

  /** Pipedrive counts per token: the grant's lasting refresh token for OAuth, else the API token. */
  private bucketsFor(credentials: CrmCredentials, search: boolean): { key: string; rate: BucketRate }[] {
    const account = credentials.type === 'oauth' ? `oauth:${credentials.refreshToken ?? credentials.accessToken}` : `key:${credentials.apiKey}`;
    const burst = { key: rateLimitKey('pipedrive', 'burst', account), rate: credentials.type === 'oauth' ? pipedriveOAuthRate : pipedriveApiTokenRate };
    return search ? [burst, { key: rateLimitKey('pipedrive', 'search', account), rate: pipedriveSearchRate }] : [burst];
  }

  private apisFor(credentials: CrmCredentials): PipedriveApis {
    const apiBase = (credentials.type === 'oauth' ? credentials.instanceUrl : undefined) ?? this.settings.apiBaseUrl ?? defaultApiBaseUrl;
    const secret = credentials.type === 'oauth' ? credentials.accessToken : credentials.apiKey;
    const key = `${apiBase} ${secret}`;
    if (this.apis?.key === key) return this.apis.apis;

    const auth = credentials.type === 'oauth' ? { accessToken: credentials.accessToken } : { apiKey: credentials.apiKey };
    const configure = <C extends { baseOptions?: unknown }>(configuration: C): C => {
      configuration.baseOptions = { timeout: this.timeoutMs, transformResponse: [classifyPipedriveResponse] };
      return configuration;
    };
    const v2Configuration = configure(new v2.Configuration({ ...auth, basePath: `${apiBase}/api/v2` }));
    const v1Configuration = configure(new v1.Configuration({ ...auth, basePath: `${apiBase}/api/v1` }));
    const apis: PipedriveApis = {
      organizations: new v2.OrganizationsApi(v2Configuration),
      deals: new v2.DealsApi(v2Configuration),
      pipelines: new v2.PipelinesApi(v2Configuration),
      stages: new v2.StagesApi(v2Configuration),
      persons: new v2.PersonsApi(v2Configuration),
      activities: new v2.ActivitiesApi(v2Configuration),
      notes: new v1.NotesApi(v1Configuration),
    };
    const webBase = companyWebBase(credentials.type === 'oauth' ? credentials.instanceUrl : undefined, this.settings.pipedriveCompanyDomain);
    this.apis = { key, apis, webBase };
    return apis;
  }

}

function companyWebBase(apiDomain: string | undefined, companyDomain: string | undefined): string | undefined {
  if (apiDomain) return apiDomain.replace(/\/+$/, '');
  if (!companyDomain) return undefined;
  const host = companyDomain.includes('.') ? companyDomain : `${companyDomain}.pipedrive.com`;
  return `https://${host.replace(/^https?:\/\//, '').replace(/\/+$/, '')}`;
}

function numericId(value: string): number | undefined {
  return /^[1-9][0-9]{0,15}$/.test(value) ? Number(value) : undefined;
}

function requireId(value: string, what: string): number {
  const id = numericId(value);
  if (id === undefined) {
    throw new ExternalServiceError({ service: 'pipedrive', kind: 'invalid', userMessage: `That is not a Pipedrive ${what} id.`, detail: `malformed ${what} id` });
  }
  return id;
}

function unreadable(detail: string): ExternalServiceError {
  return new ExternalServiceError({ service: 'pipedrive', kind: 'retryable', detail, userMessage: 'Pipedrive sent a response we could not read; it will be retried automatically.' });
}

/**
 * Installed as axios transformResponse on every SDK request. The SDK's error interceptor
 * rejects with the bare response body, losing the status and the Retry-After header; this
 * runs before it, still sees both, and throws the classified error instead.
 */
function classifyPipedriveResponse(data: unknown, headers: unknown, status?: number): unknown {
  const body = typeof data === 'string' && data !== '' ? parseJson(data) : data;
  if (status !== undefined && status >= 400) throw pipedriveResponseError(status, headers, body);
  return body;
}

function pipedriveResponseError(status: number, headers: unknown, body: unknown): ExternalServiceError {
  const record = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const message = typeof record.error === 'string' ? record.error : typeof record.message === 'string' ? record.message : undefined;
  // Pipedrive documents x-ratelimit-reset (seconds left in the window) next to, or instead of, Retry-After.
  const retryAfterMs = parseRetryAfter(headerValue(headers, 'retry-after')) ?? (status === 429 ? parseRetryAfter(headerValue(headers, 'x-ratelimit-reset')) : undefined);
  return errorFromHttpStatus('pipedrive', status, { detail: `HTTP ${status}${message ? `: ${message}` : ''}`, retryAfterMs });
}

function pipedriveError(error: unknown): ExternalServiceError {
  if (error instanceof ExternalServiceError) return error;
  // Axios errors carry the request config (with the Authorization header): keep only code and message.
  if (error instanceof Error && (error as { isAxiosError?: boolean }).isAxiosError) {
    const cause = new Error(error.message);
    cause.name = (error as { code?: string }).code ?? 'NetworkError';
    return errorFromNetworkFailure('pipedrive', cause);
  }
  return unreadable(error instanceof Error ? `${error.name}: ${error.message}` : 'unexpected response');
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const getter = (headers as { get?: unknown }).get;
  const value: unknown = typeof getter === 'function' ? (getter as (header: string) => unknown).call(headers, name) : (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

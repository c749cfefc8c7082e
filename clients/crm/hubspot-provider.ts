import { AssociationTypes, Client } from '@hubspot/api-client';
import { FilterOperatorEnum as CompanyFilterOperator } from '@hubspot/api-client/lib/codegen/crm/companies';
import { FilterOperatorEnum as ContactFilterOperator } from '@hubspot/api-client/lib/codegen/crm/contacts';
import { AssociationSpecAssociationCategoryEnum as NoteAssociationCategory } from '@hubspot/api-client/lib/codegen/crm/objects/notes';
import { AssociationSpecAssociationCategoryEnum as TaskAssociationCategory } from '@hubspot/api-client/lib/codegen/crm/objects/tasks';
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
import { crmTokenRefresher, hubSpotTokenUrl } from './crm-oauth-connect';
import { hasIdempotencyMarker, recordHtml } from './record-text';
import { crmCapabilities } from './crm-capabilities';
import { InProcessRateLimitStore } from '../in-process-rate-limit-store';
import { passRateLimit, rateLimitKey, type BucketRate, type RateLimitGate } from '../rate-limit-store';
import { hubSpotRate, hubSpotSearchRate } from '../service-rate-limits';

const defaultApiBaseUrl = 'https://api.hubapi.com';
const defaultTimeoutMs = 30_000;
/** Longer waits become the activity's retry delay, so no worker slot sleeps through them. */
const maxRateLimitWaitMs = 2_000;
/** The burst window; a 429 without Retry-After pauses the account this long. */
const hubSpotWindowMs = 10_000;
const companyProperties = ['name', 'domain'];
const dealProperties = ['dealname', 'dealstage', 'pipeline', 'amount', 'closedate', 'deal_currency_code'];
const contactProperties = ['firstname', 'lastname', 'email', 'associatedcompanyid'];
/** hs_note_body is capped at 65,536 characters. */
const noteBodyLimit = 65_536;
const searchPageSize = 100;
const maxSearchPages = 5;
const associationPageSize = 500;
const maxAssociationPages = 20;
/** HubSpot batch endpoints take at most 100 ids. */
const batchReadSize = 100;

type HubSpotProperties = Record<string, string | null | undefined>;
interface HubSpotRecord {
  id: string;
  properties: HubSpotProperties;
}
interface StageInfo {
  label: string;
  pipelineId: string;
  pipelineLabel: string;
  isClosed: boolean;
}
type AssociatedObjectType = 'notes' | 'tasks' | 'deals';

/**
 * HubSpot CRM v3 through @hubspot/api-client. Accounts are companies; notes and tasks are
 * engagement objects associated to the company (and the deal) with HubSpot-defined types.
 *
 * Find-by-key reads the company's note/task associations (v4) and batch-reads their bodies,
 * looking for the marker. Both endpoints exist in the real API and in our emulator, and unlike
 * the CRM search index (which lags writes by seconds) they see a note the moment it exists,
 * which is exactly what a retry right after a timeout needs.
 */
export function createHubSpotProvider(settings: CrmProviderSettings): CrmProvider {
  return new HubSpotProvider(settings);
}

class HubSpotProvider implements CrmProvider {
  readonly name = 'hubspot' as const;
  readonly capabilities: ReadonlySet<CrmCapability> = crmCapabilities.hubspot;
  private readonly session: CredentialSession;
  private readonly apiBaseUrl: string;
  private readonly timeoutMs: number;
  private client?: { token: string; client: Client };
  private stages?: Promise<Map<string, StageInfo>>;
  private readonly rateLimits: RateLimitGate;

  constructor(private readonly settings: CrmProviderSettings) {
    this.apiBaseUrl = settings.apiBaseUrl ?? defaultApiBaseUrl;
    this.timeoutMs = settings.requestTimeoutMs ?? defaultTimeoutMs;
    this.rateLimits = { store: settings.rateLimits ?? new InProcessRateLimitStore(), maxWaitMs: maxRateLimitWaitMs };
    this.session = new CredentialSession({
      service: 'hubspot',
      source: settings.credentials,
      refresh: crmTokenRefresher('hubspot', { tokenUrl: hubSpotTokenUrl(settings.oauthBaseUrl ?? this.apiBaseUrl), client: settings.oauthClient, timeoutMs: this.timeoutMs }),
    });
  }

  async searchAccountsByDomain(domain: string): Promise<CrmAccount[]> {
    const target = normaliseDomain(domain);
    if (!target) return [];
    // HubSpot normalises the domain property, but older records can still carry "www.".
    const filterGroups = [target, `www.${target}`].map((value) => ({
      filters: [{ propertyName: 'domain', operator: CompanyFilterOperator.Eq, value }],
    }));
    const companies: HubSpotRecord[] = [];
    let after: string | undefined;
    for (let page = 0; page < maxSearchPages; page += 1) {
      const result = await this.search((client) =>
        client.crm.companies.searchApi.doSearch({ filterGroups, properties: companyProperties, limit: searchPageSize, after }),
      );
      companies.push(...result.results);
      after = result.paging?.next?.after;
      if (!after) break;
    }
    return companies.filter((company) => normaliseDomain(company.properties.domain ?? '') === target).map((company) => this.toAccount(company));
  }

  async searchAccountsByName(name: string, limit = 10): Promise<CrmAccount[]> {
    if (!name.trim()) return [];
    const result = await this.search((client) =>
      client.crm.companies.searchApi.doSearch({ query: name.trim(), properties: companyProperties, limit: Math.min(limit, 200) }),
    );
    return result.results.map((company) => this.toAccount(company));
  }

  async getAccount(accountId: string): Promise<CrmAccount | null> {
    try {
      const company = await this.call((client) => client.crm.companies.basicApi.getById(accountId, companyProperties));
      return this.toAccount(company);
    } catch (error) {
      if (error instanceof ExternalServiceError && error.kind === 'not-found') return null;
      throw error;
    }
  }

  async findNoteByKey(accountId: string, idempotencyKey: string): Promise<CrmNote | null> {
    const note = await this.findAssociatedByMarker(accountId, 'notes', 'hs_note_body', idempotencyKey);
    return note ? { id: note.id, url: this.recordUrl('0-2', accountId) } : null;
  }

  async createNote(input: CreateNoteInput): Promise<CrmNote> {
    const associations = [
      { to: { id: input.accountId }, types: [{ associationCategory: NoteAssociationCategory.HubspotDefined, associationTypeId: AssociationTypes.noteToCompany }] },
    ];
    if (input.dealId) {
      associations.push({ to: { id: input.dealId }, types: [{ associationCategory: NoteAssociationCategory.HubspotDefined, associationTypeId: AssociationTypes.noteToDeal }] });
    }
    const body = recordHtml({ title: input.title, body: input.body, idempotencyKey: input.idempotencyKey, maxLength: noteBodyLimit });
    const note = await this.call((client) =>
      client.crm.objects.notes.basicApi.create({ properties: { hs_timestamp: input.occurredAt, hs_note_body: body }, associations }),
    );
    return { id: note.id, url: this.recordUrl('0-2', input.accountId) };
  }

  async listDeals(accountId: string, options: { openOnly?: boolean } = {}): Promise<CrmDeal[]> {
    const dealIds = await this.associatedIds(accountId, 'deals');
    if (dealIds.length === 0) return []; // most accounts: no need to read the pipelines either
    const [records, stages] = await Promise.all([this.batchRead('deals', dealIds, dealProperties), this.stageIndex()]);
    const deals = records.map((record) => this.toDeal(record, stages));
    return options.openOnly ? deals.filter((deal) => !deal.isClosed) : deals;
  }

  async listDealStages(): Promise<CrmDealStage[]> {
    const stages = await this.stageIndex();
    return [...stages.entries()].map(([id, stage]) => ({ id, ...stage }));
  }

  async updateDeal(input: UpdateDealInput): Promise<CrmDeal> {
    const properties: Record<string, string> = {};
    if (input.stageId !== undefined) properties.dealstage = input.stageId;
    if (input.amount !== undefined) properties.amount = String(input.amount);
    if (Object.keys(properties).length > 0) {
      await this.call((client) => client.crm.deals.basicApi.update(input.dealId, { properties }));
    }
    // The PATCH answer only carries the changed properties, so read the deal back.
    const [deal, stages] = await Promise.all([
      this.call((client) => client.crm.deals.basicApi.getById(input.dealId, dealProperties)),
      this.stageIndex(),
    ]);
    return this.toDeal(deal, stages);
  }

  async searchContacts(query: string, options: { accountId?: string; limit?: number } = {}): Promise<CrmContact[]> {
    const filterGroups = options.accountId
      ? [{ filters: [{ propertyName: 'associatedcompanyid', operator: ContactFilterOperator.Eq, value: options.accountId }] }]
      : undefined;
    const result = await this.search((client) =>
      client.crm.contacts.searchApi.doSearch({
        query: query.trim() || undefined,
        filterGroups,
        properties: contactProperties,
        limit: Math.min(options.limit ?? 10, 200),
      }),
    );
    return result.results.map((contact) => {
      const { firstname, lastname, email, associatedcompanyid } = contact.properties;
      const name = [firstname, lastname].filter(Boolean).join(' ') || email || contact.id;
      return { id: contact.id, name, email: email ?? undefined, accountId: associatedcompanyid ?? undefined };
    });
  }

  async findTaskByKey(accountId: string, idempotencyKey: string): Promise<CrmTask | null> {
    const task = await this.findAssociatedByMarker(accountId, 'tasks', 'hs_task_body', idempotencyKey);
    return task ? { id: task.id, url: this.recordUrl('0-2', accountId) } : null;
  }

  async createTask(input: CreateTaskInput): Promise<CrmTask> {
    const spec = (associationTypeId: number) => [{ associationCategory: TaskAssociationCategory.HubspotDefined, associationTypeId }];
    const associations = [{ to: { id: input.accountId }, types: spec(AssociationTypes.taskToCompany) }];
    if (input.dealId) associations.push({ to: { id: input.dealId }, types: spec(AssociationTypes.taskToDeal) });
    if (input.contactId) associations.push({ to: { id: input.contactId }, types: spec(AssociationTypes.taskToContact) });
    const task = await this.call((client) =>
      client.crm.objects.tasks.basicApi.create({
        properties: {
          hs_timestamp: input.dueAt,
          hs_task_subject: input.subject,
          hs_task_body: recordHtml({ body: input.body, idempotencyKey: input.idempotencyKey, maxLength: noteBodyLimit }),
          hs_task_status: 'NOT_STARTED',
          hs_task_type: 'TODO',
        },
        associations,
      }),
    );
    return { id: task.id, url: this.recordUrl('0-2', input.accountId) };
  }

  private async findAssociatedByMarker(
    accountId: string,
    objectType: 'notes' | 'tasks',
    bodyProperty: string,
    idempotencyKey: string,
  ): Promise<HubSpotRecord | undefined> {
    // Newest first: an earlier attempt of this action is almost always the latest record.
    const ids = (await this.associatedIds(accountId, objectType)).sort(byNumericIdDescending);
    for (let start = 0; start < ids.length; start += batchReadSize) {
      const records = await this.batchRead(objectType, ids.slice(start, start + batchReadSize), [bodyProperty]);
      const match = records.find((record) => hasIdempotencyMarker(record.properties[bodyProperty], idempotencyKey));
      if (match) return match;
    }
    return undefined;
  }

  private async associatedIds(companyId: string, objectType: AssociatedObjectType): Promise<string[]> {
    const ids: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < maxAssociationPages; page += 1) {
      const result = await this.call((client) =>
        client.crm.associations.v4.basicApi.getPage('companies', companyId, objectType, after, associationPageSize),
      );
      ids.push(...result.results.map((association) => String(association.toObjectId)));
      after = result.paging?.next?.after;
      if (!after) break;
    }
    return [...new Set(ids)];
  }

  private async batchRead(objectType: AssociatedObjectType, ids: string[], properties: string[]): Promise<HubSpotRecord[]> {
    const records: HubSpotRecord[] = [];
    for (let start = 0; start < ids.length; start += batchReadSize) {
      const inputs = ids.slice(start, start + batchReadSize).map((id) => ({ id }));
      const request = { inputs, properties, propertiesWithHistory: [] };
      const result = await this.call((client) => {
        if (objectType === 'deals') return client.crm.deals.batchApi.read(request);
        if (objectType === 'notes') return client.crm.objects.notes.batchApi.read(request);
        return client.crm.objects.tasks.batchApi.read(request);
      });
      // A 207 lists ids deleted since the association was read; they are simply gone.
      records.push(...result.results);
    }
    return records;
  }

  /** Stage metadata of every deal pipeline, read once per provider instance. */
  private stageIndex(): Promise<Map<string, StageInfo>> {
    this.stages ??= this.call((client) => client.crm.pipelines.pipelinesApi.getAll('deals')).then((result) => {
      const index = new Map<string, StageInfo>();
      for (const pipeline of result.results.filter((candidate) => !candidate.archived)) {
        for (const stage of [...pipeline.stages].filter((candidate) => !candidate.archived).sort((a, b) => a.displayOrder - b.displayOrder)) {
          index.set(stage.id, {
            label: stage.label,
            pipelineId: pipeline.id,
            pipelineLabel: pipeline.label,
            isClosed: stage.metadata?.isClosed === 'true',
          });
        }
      }
      return index;
    });
    this.stages.catch(() => {
      this.stages = undefined;
    });
    return this.stages;
  }

  private toAccount(company: HubSpotRecord): CrmAccount {
    const domain = normaliseDomain(company.properties.domain ?? '');
    return {
      id: company.id,
      name: company.properties.name || domain || company.id,
      domain: domain || undefined,
      url: this.recordUrl('0-2', company.id),
    };
  }

  private toDeal(deal: HubSpotRecord, stages: Map<string, StageInfo>): CrmDeal {
    const { dealname, dealstage, pipeline, amount, closedate, deal_currency_code, hs_lastmodifieddate } = deal.properties;
    const stage = dealstage ? stages.get(dealstage) : undefined;
    const parsedAmount = amount === null || amount === undefined || amount === '' ? null : Number(amount);
    return {
      id: deal.id,
      name: dealname ?? deal.id,
      stageId: dealstage ?? '',
      stageLabel: stage?.label,
      pipelineId: pipeline ?? stage?.pipelineId,
      amount: parsedAmount === null || Number.isNaN(parsedAmount) ? null : parsedAmount,
      currency: deal_currency_code ?? undefined,
      closeDate: closedate ?? undefined,
      isClosed: stage?.isClosed ?? false,
      url: this.recordUrl('0-3', deal.id),
      updatedAt: hs_lastmodifieddate ?? undefined,
    };
  }

  /** 0-2 is the company object type, 0-3 the deal. */
  private recordUrl(objectTypeId: '0-2' | '0-3', id: string): string | undefined {
    const portal = this.settings.hubspotPortalId;
    return portal ? `https://app.hubspot.com/contacts/${portal}/record/${objectTypeId}/${id}` : undefined;
  }

  /**
   * One request: it first passes the account's shared burst bucket, and a 429 pauses that bucket
   * for every process until HubSpot's window has passed.
   */
  private call<T>(operation: (client: Client) => Promise<T>): Promise<T> {
    return this.session.run(async (credentials) => {
      const key = this.rateLimitKeyFor(credentials, 'account');
      await this.passBucket(key, hubSpotRate);
      return this.send(operation, credentials, key, hubSpotRate);
    });
  }

  /**
   * A CRM search: HubSpot counts searches apart, a few a second per token, and does not count
   * them in the ten-second window, so they take from their own bucket only.
   */
  private search<T>(operation: (client: Client) => Promise<T>): Promise<T> {
    return this.session.run(async (credentials) => {
      const key = this.rateLimitKeyFor(credentials, 'search');
      await this.passBucket(key, hubSpotSearchRate);
      return this.send(operation, credentials, key, hubSpotSearchRate);
    });
  }

  private passBucket(key: string, rate: BucketRate): Promise<void> {
    return passRateLimit(this.rateLimits, { service: 'hubspot', key, rate, userMessage: 'HubSpot’s rate limit for this account is used up; it will be retried automatically.' });
  }

  private async send<T>(operation: (client: Client) => Promise<T>, credentials: CrmCredentials, key: string, rate: BucketRate): Promise<T> {
    try {
      return await withDeadline(operation(this.clientFor(credentials)), this.timeoutMs);
    } catch (error) {
      const failure = hubSpotError(error);
      if (failure.status === 429) await this.rateLimits.store.pause(key, rate, failure.retryAfterMs ?? hubSpotWindowMs);
      throw failure;
    }
  }

  /** HubSpot counts per account: the portal when known, else the connection's lasting credential. */
  private rateLimitKeyFor(credentials: CrmCredentials, scope: 'account' | 'search'): string {
    const account = this.settings.hubspotPortalId
      ? `portal:${this.settings.hubspotPortalId}`
      : credentials.type === 'oauth'
        ? `oauth:${credentials.refreshToken ?? credentials.accessToken}`
        : `key:${credentials.apiKey}`;
    return rateLimitKey('hubspot', scope, account);
  }

  private clientFor(credentials: CrmCredentials): Client {
    // A private-app token is a bearer token like an OAuth access token, minus the refresh.
    const token = credentials.type === 'oauth' ? credentials.accessToken : credentials.apiKey;
    if (this.client?.token !== token) {
      // Retries belong to Temporal; the SDK's own retry would sleep inside the activity.
      this.client = { token, client: new Client({ accessToken: token, basePath: this.apiBaseUrl, numberOfApiCallRetries: 0 }) };
    }
    return this.client.client;
  }

}

function byNumericIdDescending(a: string, b: string): number {
  return b.length - a.length || (b < a ? -1 : b > a ? 1 : 0);
}

/**
 * The SDK's HTTP layer takes no timeout or abort signal (its configured middleware and agent
 * are not applied to calls), so the wait is bounded here; the abandoned request is ignored.
 */
function withDeadline<T>(operation: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ExternalServiceError({
            service: 'hubspot',
            kind: 'retryable',
            detail: `no response within ${timeoutMs} ms`,
            userMessage: 'HubSpot did not answer in time; it will be retried automatically.',
          }),
        ),
      timeoutMs,
    );
  });
  operation.catch(() => undefined);
  return Promise.race([operation, deadline]).finally(() => clearTimeout(timer));
}

interface HubSpotApiException {
  code: number;
  body: unknown;
  headers: Record<string, string>;
}

/** Each generated API module has its own ApiException class, so recognise it by shape. */
function isApiException(error: unknown): error is HubSpotApiException {
  return error instanceof Error && typeof (error as Partial<HubSpotApiException>).code === 'number' && 'headers' in error;
}

/**
 * Maps whatever the SDK throws to an ExternalServiceError. Without Retry-After, HubSpot's
 * 429 policy tells the wait: the ten-secondly window, or one second for the search limiter.
 */
function hubSpotError(error: unknown): ExternalServiceError {
  if (error instanceof ExternalServiceError) return error;
  if (isApiException(error)) {
    const body = (error.body && typeof error.body === 'object' ? error.body : {}) as Record<string, unknown>;
    const category = typeof body.category === 'string' ? body.category : typeof body.errorType === 'string' ? body.errorType : undefined;
    const message = typeof body.message === 'string' ? body.message : undefined;
    let retryAfterMs = parseRetryAfter(error.headers['retry-after']);
    if (retryAfterMs === undefined && error.code === 429) {
      retryAfterMs = body.policyName === 'TEN_SECONDLY_ROLLING' ? 10_000 : message === 'You have reached your secondly limit.' ? 1_000 : undefined;
    }
    const detail = `HTTP ${error.code}${category ? ` ${category}` : ''}${message ? `: ${message}` : ''}`;
    return errorFromHttpStatus('hubspot', error.code, { detail, retryAfterMs });
  }
  if (error instanceof Error && error.name === 'FetchError') return errorFromNetworkFailure('hubspot', error);
  // The SDK throws plain errors when a body cannot be parsed (no content type, broken JSON),
  // which in practice is a proxy or gateway hiccup in front of HubSpot.
  return new ExternalServiceError({
    service: 'hubspot',
    kind: 'retryable',
    detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    userMessage: 'HubSpot sent a response we could not read; it will be retried automatically.',
  });
}

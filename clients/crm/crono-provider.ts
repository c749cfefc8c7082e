import { ExternalServiceError } from '../../domain/service-errors';
import {
  idempotencyMarker,
  type CreateNoteInput,
  type CreateTaskInput,
  type CrmCredentials,
  type CrmProvider,
  type CrmProviderSettings,
  type UpdateDealInput,
} from './crm-provider';
import { normaliseDomain, type CrmAccount, type CrmCapability, type CrmContact, type CrmDeal, type CrmDealStage, type CrmNote, type CrmTask } from '../../domain/crm';
import { CredentialSession } from './credential-session';
import { CronoClient, type CronoAccount, type CronoOpportunity, type CronoPage, type CronoPageRequest } from './crono-client';
import { hasIdempotencyMarker, recordText } from './record-text';
import { domainOfWebsite, websiteMatchesDomain } from './website-domain';
import { crmCapabilities } from './crm-capabilities';
import { InProcessRateLimitStore } from '../in-process-rate-limit-store';
import { passRateLimit, rateLimitKey, type RateLimitGate } from '../rate-limit-store';
import { cronoRate } from '../service-rate-limits';

const defaultApiBaseUrl = 'https://ext.crono.one';
const defaultTimeoutMs = 30_000;
/** Longer waits become the activity's retry delay, so no worker slot sleeps through them. */
const maxRateLimitWaitMs = 2_000;
/** GET /Accounts answers at most 200 per request. */
const accountPageSize = 200;
/** The domain scan reads at most this many pages (5,000 accounts) before giving up. */
const maxAccountPages = 25;
/** Prospect search answers at most 50 per page. */
const prospectPageSize = 50;
const searchPageSize = 50;
const maxSearchPages = 10;
const dealPageSize = 100;
const maxDealPages = 20;
/** The stage list is derived from deals, so it reads more of them. */
const maxStageScanPages = 10;
/** Task type "call", the default the previous Crono integration used. */
const callTaskType = 1;
const stagePipelineFallback = 'default';

/**
 * Crono through its public API with an API key + secret (no OAuth, so a 401 means reconnect).
 *
 * - Domain search: Crono has no domain filter, so the provider pages through GET /Accounts and
 *   compares each website's normalised domain exactly, up to a bounded number of pages.
 * - Notes: POST /Notes on the account (and the opportunity, when given). The answer carries no
 *   note id, so the note is looked up again by marker (POST /Notes/search, DescriptionContains)
 *   right after creating it; find-by-key is the same search.
 * - Tasks: POST /Tasks; there is no task search, so find-by-key reads the account with
 *   WithTasks=true and looks for the marker in the task descriptions (UNCONFIRMED shape).
 * - Stages: Crono exposes no pipeline/stage list, so stages are derived from the deals that
 *   exist (their stage and pipeline values); a stage no deal uses yet is not offered.
 */
export function createCronoProvider(settings: CrmProviderSettings): CrmProvider {
  return new CronoProvider(settings);
}

class CronoProvider implements CrmProvider {
  readonly name = 'crono' as const;
  readonly capabilities: ReadonlySet<CrmCapability> = crmCapabilities.crono;
  private readonly session: CredentialSession;
  private readonly apiBaseUrl: string;
  private readonly timeoutMs: number;

  private readonly rateLimits: RateLimitGate;

  constructor(settings: CrmProviderSettings) {
    this.apiBaseUrl = settings.apiBaseUrl ?? defaultApiBaseUrl;
    this.timeoutMs = settings.requestTimeoutMs ?? defaultTimeoutMs;
    this.rateLimits = { store: settings.rateLimits ?? new InProcessRateLimitStore(), maxWaitMs: maxRateLimitWaitMs };
    this.session = new CredentialSession({ service: 'crono', source: settings.credentials });
  }

  async searchAccountsByDomain(domain: string): Promise<CrmAccount[]> {
    const target = normaliseDomain(domain);
    if (!target) return [];
    const matches: CrmAccount[] = [];
    await this.eachPage(accountPageSize, maxAccountPages, (page) => this.call((client) => client.listAccounts(page)), (accounts) => {
      for (const account of accounts) if (websiteMatchesDomain(account.website, target)) matches.push(toAccount(account));
      return false;
    });
    return matches;
  }

  async searchAccountsByName(name: string, limit = 10): Promise<CrmAccount[]> {
    if (!name.trim()) return [];
    const page = await this.call((client) => client.searchAccounts({ name: name.trim() }, { limit: Math.min(limit, 200), offset: 0 }));
    return page.items.slice(0, limit).map(toAccount);
  }

  async getAccount(accountId: string): Promise<CrmAccount | null> {
    const found = await this.call((client) => client.getAccount(accountId));
    return found ? toAccount(found.account) : null;
  }

  async findNoteByKey(accountId: string, idempotencyKey: string): Promise<CrmNote | null> {
    let found: CrmNote | null = null;
    const filter = { accountId, descriptionContains: idempotencyMarker(idempotencyKey) };
    await this.eachPage(searchPageSize, maxSearchPages, (page) => this.call((client) => client.searchNotes(filter, page)), (notes) => {
      // DescriptionContains also matches keys that merely start with ours.
      const match = notes.find((note) => hasIdempotencyMarker(note.description, idempotencyKey));
      if (match) found = { id: match.objectId, url: accountUrl(accountId) };
      return found !== null;
    });
    return found;
  }

  async createNote(input: CreateNoteInput): Promise<CrmNote> {
    await this.call((client) =>
      client.createNote({
        accountId: input.accountId,
        description: recordText({ title: input.title, body: input.body, idempotencyKey: input.idempotencyKey }),
        opportunityId: input.dealId ?? null,
        prospectIds: [],
      }),
    );
    // If the search cannot see the new note yet, the marker is its stable handle: it is
    // exactly what findNoteByKey matches on.
    return (await this.findNoteByKey(input.accountId, input.idempotencyKey)) ?? { id: idempotencyMarker(input.idempotencyKey), url: accountUrl(input.accountId) };
  }

  async listDeals(accountId: string, options: { openOnly?: boolean } = {}): Promise<CrmDeal[]> {
    const deals: CrmDeal[] = [];
    const filter = { accountId, isClosed: options.openOnly ? false : undefined };
    await this.eachPage(dealPageSize, maxDealPages, (page) => this.call((client) => client.searchOpportunities(filter, page)), (opportunities) => {
      deals.push(...opportunities.map(toDeal));
      return false;
    });
    return options.openOnly ? deals.filter((deal) => !deal.isClosed) : deals;
  }

  async listDealStages(): Promise<CrmDealStage[]> {
    const stages = new Map<string, CrmDealStage>();
    await this.eachPage(dealPageSize, maxStageScanPages, (page) => this.call((client) => client.searchOpportunities({}, page)), (opportunities) => {
      for (const opportunity of opportunities.filter((candidate) => candidate.stage)) {
        const pipelineId = opportunity.pipeline || stagePipelineFallback;
        const key = `${pipelineId}\u0000${opportunity.stage}`;
        const known = stages.get(key);
        const isClosed = isClosedOpportunity(opportunity);
        stages.set(key, { id: opportunity.stage, label: opportunity.stage, pipelineId, isClosed: (known?.isClosed ?? false) || isClosed });
      }
      return false;
    });
    return [...stages.values()];
  }

  async updateDeal(input: UpdateDealInput): Promise<CrmDeal> {
    if (input.stageId !== undefined || input.amount !== undefined) {
      const changes = { opportunityId: input.dealId, stage: input.stageId, amount: input.amount };
      const updated = await this.call((client) => client.updateOpportunity(changes));
      if (updated && updated.objectId === input.dealId) return toDeal(updated);
    }
    const page = await this.call((client) => client.searchOpportunities({ objectIds: [input.dealId] }, { limit: 1, offset: 0 }));
    const deal = page.items.find((opportunity) => opportunity.objectId === input.dealId);
    if (!deal) {
      throw new ExternalServiceError({ service: 'crono', kind: 'not-found', userMessage: 'Crono could not find that deal.', detail: `opportunity ${input.dealId} not found` });
    }
    return toDeal(deal);
  }

  async searchContacts(query: string, options: { accountId?: string; limit?: number } = {}): Promise<CrmContact[]> {
    const text = query.trim();
    const limit = options.limit ?? 10;
    if (!text) return [];
    const contacts: CrmContact[] = [];
    // Prospect search filters by name only; an email is matched on this side.
    const byEmail = text.includes('@');
    const filter = { name: byEmail ? undefined : text, accountId: options.accountId };
    await this.eachPage(prospectPageSize, maxSearchPages, (page) => this.call((client) => client.searchProspects(filter, page)), (prospects) => {
      for (const prospect of prospects) {
        if (byEmail && !prospect.email?.toLowerCase().includes(text.toLowerCase())) continue;
        contacts.push({ id: prospect.objectId, name: prospect.name, email: prospect.email, accountId: prospect.accountId });
      }
      return contacts.length >= limit;
    });
    return contacts.slice(0, limit);
  }

  async findTaskByKey(accountId: string, idempotencyKey: string): Promise<CrmTask | null> {
    const found = await this.call((client) => client.getAccount(accountId, { withTasks: true }));
    const task = found?.tasks.find((candidate) => hasIdempotencyMarker(candidate.description, idempotencyKey));
    return task ? { id: task.objectId, url: accountUrl(accountId) } : null;
  }

  async createTask(input: CreateTaskInput): Promise<CrmTask> {
    const due = new Date(input.dueAt);
    if (Number.isNaN(due.getTime())) {
      throw new ExternalServiceError({ service: 'crono', kind: 'invalid', userMessage: 'The task due date is not valid.', detail: 'unparseable dueAt' });
    }
    const created = await this.call((client) =>
      client.createTask({
        accountId: input.accountId,
        prospectId: input.contactId ?? null,
        opportunityId: input.dealId ?? null,
        type: callTaskType,
        activityDate: `${due.toISOString().slice(0, 19)}Z`,
        subject: input.subject,
        description: recordText({ body: input.body, idempotencyKey: input.idempotencyKey }),
      }),
    );
    if (created) return { id: created.objectId, url: accountUrl(input.accountId) };
    return (await this.findTaskByKey(input.accountId, input.idempotencyKey)) ?? { id: idempotencyMarker(input.idempotencyKey), url: accountUrl(input.accountId) };
  }

  /**
   * Walks offset pages until `visit` says stop, a page comes back empty, the stated total is
   * reached, a short page shows the end, or `maxPages` is hit.
   */
  private async eachPage<T>(
    pageSize: number,
    maxPages: number,
    fetchPage: (page: CronoPageRequest) => Promise<CronoPage<T>>,
    visit: (items: T[]) => boolean,
  ): Promise<void> {
    let offset = 0;
    for (let page = 0; page < maxPages; page += 1) {
      const { items, total } = await fetchPage({ limit: pageSize, offset });
      if (items.length === 0 || visit(items)) return;
      offset += items.length;
      if (total !== undefined ? offset >= total : items.length < pageSize) return;
    }
  }

  /** One request: it first takes from the key's shared bucket, and a 429 pauses it for every process. */
  private call<T>(operation: (client: CronoClient) => Promise<T>): Promise<T> {
    return this.session.run(async (credentials) => {
      const client = this.clientFor(credentials);
      const key = rateLimitKey('crono', 'key', credentials.type === 'apiKey' ? credentials.apiKey : '');
      await passRateLimit(this.rateLimits, { service: 'crono', key, rate: cronoRate, userMessage: 'Crono is busy for this account; it will be retried automatically.' });
      try {
        return await operation(client);
      } catch (error) {
        if (error instanceof ExternalServiceError && error.status === 429) await this.rateLimits.store.pause(key, cronoRate, error.retryAfterMs ?? 60_000);
        throw error;
      }
    });
  }

  private clientFor(credentials: CrmCredentials): CronoClient {
    if (credentials.type !== 'apiKey') {
      throw new ExternalServiceError({
        service: 'crono',
        kind: 'reconnect',
        detail: 'stored credentials are not an API key pair',
        userMessage: 'The Crono connection needs an API key. Reconnect Crono and retry.',
      });
    }
    return new CronoClient({ baseUrl: this.apiBaseUrl, apiKey: credentials.apiKey, apiSecret: credentials.apiSecret, timeoutMs: this.timeoutMs });
  }
}

function toAccount(account: CronoAccount): CrmAccount {
  return { id: account.objectId, name: account.name, domain: domainOfWebsite(account.website), url: accountUrl(account.objectId) };
}

function toDeal(opportunity: CronoOpportunity): CrmDeal {
  return {
    id: opportunity.objectId,
    name: opportunity.name,
    stageId: opportunity.stage,
    stageLabel: opportunity.stage || undefined,
    pipelineId: opportunity.pipeline,
    amount: opportunity.amount,
    currency: opportunity.currency,
    closeDate: opportunity.closeDate,
    isClosed: isClosedOpportunity(opportunity),
  };
}

/** Crono sends isClosed; older records without it are judged by their closed-won/lost stage. */
function isClosedOpportunity(opportunity: CronoOpportunity): boolean {
  return opportunity.isClosed ?? /^closed\s*(won|lost)$/i.test(opportunity.stage.trim());
}

function accountUrl(accountId: string): string {
  return `https://app.crono.one/accounts/${encodeURIComponent(accountId)}`;
}

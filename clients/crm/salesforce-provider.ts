import { Connection, type Record as SalesforceRecord, type SaveResult } from 'jsforce';
import { ExternalServiceError, type ExternalErrorKind } from '../../domain/service-errors';
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
import { hasIdempotencyMarker, recordText, truncateText } from './record-text';
import { SalesforceTransport } from './salesforce-transport';
import { isSalesforceId, soqlContainsPattern, soqlString } from './soql';
import { domainOfWebsite, websiteMatchesDomain } from './website-domain';
import { crmCapabilities } from './crm-capabilities';
import { InProcessRateLimitStore } from '../in-process-rate-limit-store';
import { passRateLimit, rateLimitKey, type RateLimitGate } from '../rate-limit-store';
import { salesforceDailyRate } from '../service-rate-limits';

/** jsforce defaults to v50.0; pin a current version. */
const apiVersion = '62.0';
const defaultLoginUrl = 'https://login.salesforce.com';
const defaultTimeoutMs = 30_000;
/** Longer waits become the activity's retry delay, so no worker slot sleeps through them. */
const maxRateLimitWaitMs = 2_000;
/** Salesforce's allocation rolls over 24 hours and its 403 names no reset: look again in an hour. */
const requestLimitPauseMs = 3_600_000;
const subjectLimit = 255;
const descriptionLimit = 32_000;
/** Candidates of a Website LIKE search; the exact domain filter runs on these. */
const maxDomainCandidates = 2_000;
/** Page size for the task scan of find-by-key; small pages let the scan stop early. */
const taskScanBatchSize = 200;
const maxTaskScanPages = 10;
/** Salesforce has no pipeline object here: every stage belongs to the org's one stage picklist. */
const stagePipelineId = 'default';

interface AccountRow extends SalesforceRecord {
  Id: string;
  Name: string;
  Website?: string | null;
}
interface OpportunityRow extends SalesforceRecord {
  Id: string;
  Name: string;
  StageName: string;
  Amount?: number | null;
  CloseDate?: string | null;
  IsClosed: boolean;
}
interface StageRow extends SalesforceRecord {
  ApiName: string;
  MasterLabel: string;
  IsClosed: boolean;
}
interface ContactRow extends SalesforceRecord {
  Id: string;
  Name: string;
  Email?: string | null;
  AccountId?: string | null;
}
interface TaskRow extends SalesforceRecord {
  Id: string;
  Description?: string | null;
}

/**
 * Salesforce REST through jsforce. Accounts are Accounts, deals Opportunities.
 *
 * Notes are completed Tasks (the activity timeline's "logged call/meeting"), with the title as
 * Subject and the text plus marker as Description. The Task's WhatId is the Opportunity when a
 * deal is given, else the Account; Salesforce rolls Task.AccountId up from the Opportunity, so
 * the note shows on both and every Task of the account can be found through AccountId.
 * Follow-up tasks are open Tasks built the same way.
 *
 * Find-by-key: Description is a long text area, which SOQL cannot filter on, so it pages
 * through the account's Tasks newest first and checks Description for the marker. SOSL could
 * search it, but its index lags writes, which defeats a retry right after a timeout.
 */
export function createSalesforceProvider(settings: CrmProviderSettings): CrmProvider {
  return new SalesforceProvider(settings);
}

class SalesforceProvider implements CrmProvider {
  readonly name = 'salesforce' as const;
  readonly capabilities: ReadonlySet<CrmCapability> = crmCapabilities.salesforce;
  private readonly session: CredentialSession;
  private readonly timeoutMs: number;

  private readonly rateLimits: RateLimitGate;

  constructor(private readonly settings: CrmProviderSettings) {
    this.timeoutMs = settings.requestTimeoutMs ?? defaultTimeoutMs;
    this.rateLimits = { store: settings.rateLimits ?? new InProcessRateLimitStore(), maxWaitMs: maxRateLimitWaitMs };
    this.session = new CredentialSession({
      service: 'salesforce',
      source: settings.credentials,
      refresh: crmTokenRefresher('salesforce', { tokenUrl: `${settings.oauthBaseUrl ?? defaultLoginUrl}/services/oauth2/token`, client: settings.oauthClient, timeoutMs: this.timeoutMs }),
    });
  }

  async searchAccountsByDomain(domain: string): Promise<CrmAccount[]> {
    const target = normaliseDomain(domain);
    if (!target) return [];
    // Website is free text ("https://www.acme.com/"), so LIKE finds candidates and the exact
    // comparison drops acme.com.au and notacme.com.
    const soql = `SELECT Id, Name, Website FROM Account WHERE Website LIKE ${soqlContainsPattern(target)} ORDER BY Name LIMIT ${maxDomainCandidates}`;
    const { rows, instanceUrl } = await this.queryAll<AccountRow>(soql, maxDomainCandidates);
    return rows.filter((row) => websiteMatchesDomain(row.Website, target)).map((row) => toAccount(row, instanceUrl));
  }

  async searchAccountsByName(name: string, limit = 10): Promise<CrmAccount[]> {
    if (!name.trim()) return [];
    const soql = `SELECT Id, Name, Website FROM Account WHERE Name LIKE ${soqlContainsPattern(name.trim())} ORDER BY Name LIMIT ${Math.min(limit, 200)}`;
    const { rows, instanceUrl } = await this.queryAll<AccountRow>(soql, limit);
    return rows.map((row) => toAccount(row, instanceUrl));
  }

  async getAccount(accountId: string): Promise<CrmAccount | null> {
    if (!isSalesforceId(accountId)) return null;
    try {
      return await this.call(async (conn) => {
        const row = (await conn.sobject('Account').retrieve(accountId, { fields: ['Id', 'Name', 'Website'] })) as AccountRow;
        return toAccount(row, conn.instanceUrl);
      });
    } catch (error) {
      if (error instanceof ExternalServiceError && error.kind === 'not-found') return null;
      throw error;
    }
  }

  findNoteByKey(accountId: string, idempotencyKey: string): Promise<CrmNote | null> {
    return this.findTaskWithMarker(accountId, idempotencyKey);
  }

  async createNote(input: CreateNoteInput): Promise<CrmNote> {
    requireId(input.accountId, 'account');
    if (input.dealId) requireId(input.dealId, 'deal');
    return this.createTaskRecord({
      Subject: truncateText(input.title, subjectLimit),
      Description: recordText({ body: input.body, idempotencyKey: input.idempotencyKey, maxLength: descriptionLimit }),
      WhatId: input.dealId ?? input.accountId,
      Status: 'Completed',
      ActivityDate: input.occurredAt.slice(0, 10),
    });
  }

  async listDeals(accountId: string, options: { openOnly?: boolean } = {}): Promise<CrmDeal[]> {
    requireId(accountId, 'account');
    const openFilter = options.openOnly ? ' AND IsClosed = false' : '';
    const soql = `SELECT Id, Name, StageName, Amount, CloseDate, IsClosed FROM Opportunity WHERE AccountId = ${soqlString(accountId)}${openFilter} ORDER BY CloseDate ASC`;
    const { rows, instanceUrl } = await this.queryAll<OpportunityRow>(soql, 2_000);
    return rows.map((row) => toDeal(row, instanceUrl));
  }

  async listDealStages(): Promise<CrmDealStage[]> {
    const soql = 'SELECT ApiName, MasterLabel, IsClosed, SortOrder FROM OpportunityStage WHERE IsActive = true ORDER BY SortOrder ASC';
    const { rows } = await this.queryAll<StageRow>(soql, 500);
    return rows.map((row) => ({ id: row.ApiName, label: row.MasterLabel, pipelineId: stagePipelineId, isClosed: row.IsClosed }));
  }

  async updateDeal(input: UpdateDealInput): Promise<CrmDeal> {
    requireId(input.dealId, 'deal');
    const changes: Record<string, string | number> = {};
    if (input.stageId !== undefined) changes.StageName = input.stageId;
    if (input.amount !== undefined) changes.Amount = input.amount;
    if (Object.keys(changes).length > 0) {
      await this.call(async (conn) => failedSave(await conn.sobject('Opportunity').update({ Id: input.dealId, ...changes })));
    }
    const soql = `SELECT Id, Name, StageName, Amount, CloseDate, IsClosed FROM Opportunity WHERE Id = ${soqlString(input.dealId)}`;
    const { rows, instanceUrl } = await this.queryAll<OpportunityRow>(soql, 1);
    const row = rows[0];
    if (!row) throw salesforceError('not-found', 'Salesforce could not find that opportunity.', `Opportunity ${input.dealId} not found`);
    return toDeal(row, instanceUrl);
  }

  async searchContacts(query: string, options: { accountId?: string; limit?: number } = {}): Promise<CrmContact[]> {
    const conditions: string[] = [];
    const text = query.trim();
    if (text) conditions.push(`(Name LIKE ${soqlContainsPattern(text)} OR Email LIKE ${soqlContainsPattern(text)})`);
    if (options.accountId) {
      requireId(options.accountId, 'account');
      conditions.push(`AccountId = ${soqlString(options.accountId)}`);
    }
    if (conditions.length === 0) return [];
    const limit = Math.min(options.limit ?? 10, 200);
    const soql = `SELECT Id, Name, Email, AccountId FROM Contact WHERE ${conditions.join(' AND ')} ORDER BY Name LIMIT ${limit}`;
    const { rows } = await this.queryAll<ContactRow>(soql, limit);
    return rows.map((row) => ({ id: row.Id, name: row.Name, email: row.Email ?? undefined, accountId: row.AccountId ?? undefined }));
  }

  findTaskByKey(accountId: string, idempotencyKey: string): Promise<CrmTask | null> {
    return this.findTaskWithMarker(accountId, idempotencyKey);
  }

  async createTask(input: CreateTaskInput): Promise<CrmTask> {
    requireId(input.accountId, 'account');
    if (input.dealId) requireId(input.dealId, 'deal');
    if (input.contactId) requireId(input.contactId, 'contact');
    return this.createTaskRecord({
      Subject: truncateText(input.subject, subjectLimit),
      Description: recordText({ body: input.body, idempotencyKey: input.idempotencyKey, maxLength: descriptionLimit }),
      WhatId: input.dealId ?? input.accountId,
      ...(input.contactId ? { WhoId: input.contactId } : {}),
      Status: 'Not Started',
      // ActivityDate is a plain date; dueAt is already in the rep's zone, so keep its calendar day.
      ActivityDate: input.dueAt.slice(0, 10),
    });
  }

  private async createTaskRecord(fields: Record<string, string>): Promise<CrmTask> {
    return this.call(async (conn) => {
      const result = failedSave(await conn.sobject('Task').create(fields));
      return { id: result.id, url: `${conn.instanceUrl}/${result.id}` };
    });
  }

  private async findTaskWithMarker(accountId: string, idempotencyKey: string): Promise<CrmTask | null> {
    requireId(accountId, 'account');
    const soql = `SELECT Id, Description FROM Task WHERE AccountId = ${soqlString(accountId)} ORDER BY CreatedDate DESC`;
    return this.call(async (conn) => {
      // One page per request (autoFetch off) so the scan stops at the first match; maxFetch
      // only caps the rows jsforce keeps of a page and must stay above any page size.
      const options = {
        headers: { 'Sforce-Query-Options': `batchSize=${taskScanBatchSize}` },
        autoFetch: false,
        maxFetch: 10_000,
        scanAll: false,
        responseTarget: 'QueryResult' as const,
      };
      let page = await conn.query<TaskRow>(soql, options);
      for (let pageNumber = 1; ; pageNumber += 1) {
        const match = page.records.find((row) => hasIdempotencyMarker(row.Description, idempotencyKey));
        if (match) return { id: match.Id, url: `${conn.instanceUrl}/${match.Id}` };
        if (page.done || !page.nextRecordsUrl || pageNumber >= maxTaskScanPages) return null;
        page = await conn.queryMore<TaskRow>(page.nextRecordsUrl, options);
      }
    });
  }

  private queryAll<T extends SalesforceRecord>(soql: string, maxFetch: number): Promise<{ rows: T[]; instanceUrl: string }> {
    return this.call(async (conn) => {
      const result = await conn.query<T>(soql, { autoFetch: true, maxFetch });
      return { rows: result.records, instanceUrl: conn.instanceUrl };
    });
  }

  /**
   * One request: it first takes from the org's shared daily bucket, and REQUEST_LIMIT_EXCEEDED
   * pauses that bucket for every process (Salesforce names no reset; its window rolls).
   */
  private call<T>(operation: (conn: Connection) => Promise<T>): Promise<T> {
    return this.session.run(async (credentials) => {
      const connection = this.connectionFor(credentials);
      const key = rateLimitKey('salesforce', 'org', connection.instanceUrl);
      await passRateLimit(this.rateLimits, { service: 'salesforce', key, rate: salesforceDailyRate, userMessage: 'Salesforce’s daily API limit for your org is used up; it will be retried automatically.' });
      try {
        return await operation(connection);
      } catch (error) {
        if (error instanceof ExternalServiceError && error.detail?.includes('REQUEST_LIMIT_EXCEEDED')) {
          await this.rateLimits.store.pause(key, salesforceDailyRate, error.retryAfterMs ?? requestLimitPauseMs);
        }
        if (error instanceof ExternalServiceError) throw error;
        // Errors jsforce raises itself (not HTTP errors, which the transport maps).
        throw salesforceError('retryable', 'Salesforce sent a response we could not read; it will be retried automatically.', describe(error));
      }
    });
  }

  private connectionFor(credentials: CrmCredentials): Connection {
    const instanceUrl = credentials.type === 'oauth' ? (credentials.instanceUrl ?? this.settings.apiBaseUrl) : undefined;
    if (credentials.type !== 'oauth' || !instanceUrl) {
      throw salesforceError('reconnect', 'The Salesforce connection is incomplete. Reconnect Salesforce and retry.', 'no OAuth token or instance URL');
    }
    // No refresh token or OAuth client here: the session owns refresh, so jsforce never loops on 401.
    const conn = new Connection({ instanceUrl, accessToken: credentials.accessToken, version: apiVersion });
    conn._transport = new SalesforceTransport(this.timeoutMs);
    return conn;
  }

}

function toAccount(row: AccountRow, instanceUrl: string): CrmAccount {
  return { id: row.Id, name: row.Name, domain: domainOfWebsite(row.Website), url: `${instanceUrl}/${row.Id}` };
}

function toDeal(row: OpportunityRow, instanceUrl: string): CrmDeal {
  return {
    id: row.Id,
    name: row.Name,
    stageId: row.StageName,
    pipelineId: stagePipelineId,
    amount: typeof row.Amount === 'number' ? row.Amount : null,
    closeDate: row.CloseDate ?? undefined,
    isClosed: row.IsClosed,
    url: `${instanceUrl}/${row.Id}`,
  };
}

function requireId(id: string, what: string): void {
  if (!isSalesforceId(id)) throw salesforceError('invalid', `That is not a Salesforce ${what} id.`, `malformed ${what} id`);
}

/** A 2xx save can still report success: false with field errors. */
function failedSave(result: SaveResult): { id: string } {
  if (result.success) return { id: result.id };
  const problems = result.errors.map((problem) => `${problem.errorCode}: ${problem.message}`).join('; ');
  throw salesforceError('invalid', 'Salesforce rejected the request.', problems || 'save failed');
}

function salesforceError(kind: ExternalErrorKind, userMessage: string, detail: string): ExternalServiceError {
  return new ExternalServiceError({ service: 'salesforce', kind, userMessage, detail });
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

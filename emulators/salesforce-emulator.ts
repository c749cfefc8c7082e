import { bearerToken, OAuthCrmEmulator, type IssuedTokens } from './crm-oauth-tokens';
import type { EmulatorResponse, RecordedRequest } from './http-emulator';
import { parseSoql, runSoql, SoqlError, type SoqlRow } from './salesforce-soql';

/**
 * Salesforce REST as jsforce talks to it: the OAuth token endpoint (refresh grant, no
 * expires_in, instance_url), SOQL queries with nextRecordsUrl paging, and sObject
 * create/retrieve/update. Errors are Salesforce's JSON arrays `[{ message, errorCode, fields }]`:
 * 401 INVALID_SESSION_ID, 403 REQUEST_LIMIT_EXCEEDED (Salesforce's rate limit, without
 * Retry-After), 400 validation codes, 404 NOT_FOUND. Every API answer carries Sforce-Limit-Info.
 */
type SObjectType = 'Account' | 'Opportunity' | 'Contact' | 'Task' | 'OpportunityStage';

const fieldsOf: Record<SObjectType, readonly string[]> = {
  Account: ['Id', 'Name', 'Website', 'CreatedDate'],
  Opportunity: ['Id', 'Name', 'AccountId', 'StageName', 'Amount', 'CloseDate', 'IsClosed', 'IsWon', 'CreatedDate'],
  Contact: ['Id', 'FirstName', 'LastName', 'Name', 'Email', 'AccountId', 'CreatedDate'],
  Task: ['Id', 'Subject', 'Description', 'WhatId', 'WhoId', 'AccountId', 'Status', 'ActivityDate', 'Priority', 'IsClosed', 'CreatedDate'],
  OpportunityStage: ['Id', 'ApiName', 'MasterLabel', 'IsActive', 'IsClosed', 'IsWon', 'SortOrder'],
};

/** Fields a client may set on create/update; the rest are computed by Salesforce. */
const writableFields: Partial<Record<SObjectType, readonly string[]>> = {
  Account: ['Name', 'Website'],
  Opportunity: ['Name', 'AccountId', 'StageName', 'Amount', 'CloseDate'],
  Contact: ['FirstName', 'LastName', 'Email', 'AccountId'],
  Task: ['Subject', 'Description', 'WhatId', 'WhoId', 'Status', 'ActivityDate', 'Priority'],
};

const idPrefixes: Record<SObjectType, string> = { Account: '001', Opportunity: '006', Contact: '003', Task: '00T', OpportunityStage: '01J' };

export interface SalesforceStage {
  apiName: string;
  label: string;
  isClosed: boolean;
  isWon: boolean;
}

const defaultStages: SalesforceStage[] = [
  { apiName: 'Prospecting', label: 'Prospecting', isClosed: false, isWon: false },
  { apiName: 'Qualification', label: 'Qualification', isClosed: false, isWon: false },
  { apiName: 'Needs Analysis', label: 'Needs Analysis', isClosed: false, isWon: false },
  { apiName: 'Proposal/Price Quote', label: 'Proposal/Price Quote', isClosed: false, isWon: false },
  { apiName: 'Negotiation/Review', label: 'Negotiation/Review', isClosed: false, isWon: false },
  { apiName: 'Closed Won', label: 'Closed Won', isClosed: true, isWon: true },
  { apiName: 'Closed Lost', label: 'Closed Lost', isClosed: true, isWon: false },
];

export interface SalesforceTaskView {
  id: string;
  subject: string | null;
  description: string | null;
  whatId: string | null;
  whoId: string | null;
  accountId: string | null;
  status: string;
  activityDate: string | null;
}

export interface SalesforceDealView {
  id: string;
  name: string;
  accountId: string | null;
  stageName: string;
  amount: number | null;
}

const defaultDailyApiLimit = 15_000;

export class SalesforceEmulator extends OAuthCrmEmulator {
  readonly oauthClient = { clientId: 'salesforce-emulator-consumer-key', clientSecret: 'salesforce-emulator-consumer-secret' };
  /** Rows per query page: Salesforce answers 2,000 by default (batchSize 200–2,000); lower it to page with little data. */
  maxPageSize = 2000;
  private readonly records = new Map<SObjectType, Map<string, SoqlRow>>(
    (Object.keys(fieldsOf) as SObjectType[]).map((type) => [type, new Map()]),
  );
  private readonly cursors = new Map<string, { rows: SoqlRow[]; type: SObjectType; pageSize: number; offset: number }>();
  private nextNumber = 1;
  private apiUsage = 0;
  /**
   * The org's rolling 24-hour API allocation (Developer Edition's 15,000, the lowest documented):
   * past it Salesforce refuses every call with 403 REQUEST_LIMIT_EXCEEDED and no Retry-After
   * (api-contracts.md §4). An emulator lives far less than a day, so its usage never rolls off.
   */
  dailyApiLimit = defaultDailyApiLimit;
  /** Monotonic clock so CreatedDate orders records by creation even within a millisecond. */
  private lastCreated = 0;

  constructor() {
    // Salesforce keeps refresh tokens unless the connected app rotates them.
    super('salesforce', { prefix: 'sf', accessTokenTtlSeconds: 7200, rotateRefreshTokens: false });
    for (const stage of defaultStages) this.addStage(stage);
    this.route('POST', /^\/services\/oauth2\/token$/, (request) => this.token(request));
    // RFC 7009 revoke: 200, or 400 invalid_token for a token Salesforce no longer knows.
    this.route('POST', /^\/services\/oauth2\/revoke$/, (request) =>
      this.tokens.revoke(asRecord(request.body).token) ? { status: 200, body: undefined } : { status: 400, body: { error: 'invalid_token', error_description: 'invalid token' } },
    );
    this.route('GET', /^\/services\/data\/v\d+\.\d+\/query$/, (request) => this.api(request, () => this.query(request)));
    this.route('GET', /^\/services\/data\/v\d+\.\d+\/query\/([\w-]+)$/, (request, [cursor]) => this.api(request, () => this.queryMore(request, cursor!)));
    this.route('GET', /^\/services\/data\/v\d+\.\d+\/sobjects\/(\w+)\/(\w+)$/, (request, [type, id]) => this.api(request, () => this.retrieve(request, type!, id!)));
    this.route('POST', /^\/services\/data\/v\d+\.\d+\/sobjects\/(\w+)$/, (request, [type]) => this.api(request, () => this.create(request, type!)));
    this.route('PATCH', /^\/services\/data\/v\d+\.\d+\/sobjects\/(\w+)\/(\w+)$/, (request, [type, id]) => this.api(request, () => this.update(request, type!, id!)));
  }

  // --- seeding -------------------------------------------------------------------------

  addAccount(input: { name: string; website?: string }): string {
    return this.insert('Account', { Name: input.name, Website: input.website ?? null });
  }

  addOpportunity(input: { name: string; accountId: string; stageName?: string; amount?: number | null; closeDate?: string }): string {
    return this.insert('Opportunity', {
      Name: input.name,
      AccountId: input.accountId,
      StageName: input.stageName ?? 'Prospecting',
      Amount: input.amount ?? null,
      CloseDate: input.closeDate ?? '2030-01-31',
    });
  }

  addContact(input: { firstName: string; lastName: string; email?: string; accountId?: string }): string {
    return this.insert('Contact', { FirstName: input.firstName, LastName: input.lastName, Email: input.email ?? null, AccountId: input.accountId ?? null });
  }

  /** A Task logged by someone else on the account (or on `whatId`). */
  addTask(input: { whatId: string; subject: string; description: string; status?: string }): string {
    return this.insert('Task', { Subject: input.subject, Description: input.description, WhatId: input.whatId, Status: input.status ?? 'Completed' });
  }

  addStage(stage: SalesforceStage): void {
    const table = this.table('OpportunityStage');
    this.insert('OpportunityStage', {
      ApiName: stage.apiName,
      MasterLabel: stage.label,
      IsActive: true,
      IsClosed: stage.isClosed,
      IsWon: stage.isWon,
      SortOrder: table.size + 1,
    });
  }

  // --- inspection ----------------------------------------------------------------------

  /** Every Task; notes are the completed ones, follow-up tasks the open ones. */
  tasks(): SalesforceTaskView[] {
    return [...this.table('Task').values()].map((row) => ({
      id: String(row.Id),
      subject: (row.Subject as string | null) ?? null,
      description: (row.Description as string | null) ?? null,
      whatId: (row.WhatId as string | null) ?? null,
      whoId: (row.WhoId as string | null) ?? null,
      accountId: (row.AccountId as string | null) ?? null,
      status: String(row.Status),
      activityDate: (row.ActivityDate as string | null) ?? null,
    }));
  }

  notes(): SalesforceTaskView[] {
    return this.tasks().filter((task) => task.status === 'Completed');
  }

  deals(): SalesforceDealView[] {
    return [...this.table('Opportunity').values()].map((row) => ({
      id: String(row.Id),
      name: String(row.Name),
      accountId: (row.AccountId as string | null) ?? null,
      stageName: String(row.StageName),
      amount: (row.Amount as number | null) ?? null,
    }));
  }

  // --- knobs ---------------------------------------------------------------------------

  override issueTokens(): IssuedTokens & { instanceUrl: string } {
    return { ...super.issueTokens(), instanceUrl: this.url };
  }

  /** Salesforce's rate limit: the org's daily allowance is spent (403, no Retry-After). */
  rateLimitNext(times = 1): void {
    this.injectFault({
      path: /^\/services\/data\//,
      times,
      fault: { status: 403, body: [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }] },
    });
  }

  serverErrorNext(times = 1, status = 500): void {
    const body =
      status === 503
        ? [{ message: 'Server is temporarily unavailable.', errorCode: 'SERVER_UNAVAILABLE' }]
        : [{ message: 'An unexpected error occurred. Please include this ErrorId if you contact support: 1234567-89 (-1)', errorCode: 'UNKNOWN_EXCEPTION' }];
    this.injectFault({ path: /^\/services\/data\//, times, fault: { status, body } });
  }

  unauthorizedNext(times = 1): void {
    this.injectFault({ path: /^\/services\/data\//, times, fault: { status: 401, body: invalidSession() } });
  }

  // --- handlers ------------------------------------------------------------------------

  protected override notFound(): EmulatorResponse {
    return { status: 404, body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }] };
  }

  private token(request: RecordedRequest): EmulatorResponse {
    const form = asRecord(request.body);
    if (form.client_id !== this.oauthClient.clientId || (form.client_secret !== undefined && form.client_secret !== this.oauthClient.clientSecret)) {
      return { status: 400, body: { error: 'invalid_client_id', error_description: 'client identifier invalid' } };
    }
    if (form.grant_type !== 'refresh_token' && form.grant_type !== 'authorization_code') {
      return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'grant type not supported' } };
    }
    const byCode = form.grant_type === 'authorization_code';
    const issued = byCode ? this.tokens.redeemAuthCode(form.code, form.redirect_uri, form.code_verifier) : this.tokens.refresh(typeof form.refresh_token === 'string' ? form.refresh_token : undefined);
    if (!issued) return { status: 400, body: { error: 'invalid_grant', error_description: byCode ? 'invalid authorization code' : 'expired access/refresh token' } };
    const issuedAt = String(Date.now());
    return {
      status: 200,
      body: {
        access_token: issued.accessToken,
        // Only the code exchange hands out a refresh token; refreshes keep the one the client has.
        ...(byCode ? { refresh_token: issued.refreshToken } : {}),
        signature: Buffer.from(`${issuedAt}-signature`).toString('base64'),
        scope: 'api refresh_token',
        instance_url: this.url,
        id: `${this.url}/id/00DEM0000000001EAA/005EM0000000001AAA`,
        token_type: 'Bearer',
        issued_at: issuedAt,
      },
    };
  }

  private api(request: RecordedRequest, handle: () => EmulatorResponse): EmulatorResponse {
    if (this.tokens.check(bearerToken(request.headers.authorization)) !== 'valid') return { status: 401, body: invalidSession() };
    if (this.apiUsage >= this.dailyApiLimit) {
      return { status: 403, headers: { 'sforce-limit-info': `api-usage=${this.apiUsage}/${this.dailyApiLimit}` }, body: [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }] };
    }
    this.apiUsage += 1;
    let response: EmulatorResponse;
    try {
      response = handle();
    } catch (error) {
      if (!(error instanceof SoqlError)) throw error;
      response = { status: 400, body: [{ message: error.message, errorCode: error.errorCode }] };
    }
    return { ...response, headers: { ...response.headers, 'sforce-limit-info': `api-usage=${this.apiUsage}/${this.dailyApiLimit}` } };
  }

  private query(request: RecordedRequest): EmulatorResponse {
    const soql = request.query.get('q');
    if (!soql) return { status: 400, body: [{ message: 'missing q parameter', errorCode: 'MALFORMED_QUERY' }] };
    const query = parseSoql(soql);
    const type = sobjectType(query.object);
    if (!type) throw new SoqlError('INVALID_TYPE', `sObject type '${query.object}' is not supported.`);
    const rows = runSoql(query, [...this.table(type).values()], fieldsOf[type]);
    const batchSize = Number(/batchSize=(\d+)/i.exec(String(request.headers['sforce-query-options'] ?? ''))?.[1] ?? 2000);
    const pageSize = Math.max(1, Math.min(Math.max(200, Math.min(batchSize, 2000)), this.maxPageSize));
    return this.page(request, { rows, type, pageSize, offset: 0 });
  }

  private queryMore(request: RecordedRequest, cursorId: string): EmulatorResponse {
    const [locator, offset] = cursorId.split('-');
    const cursor = this.cursors.get(locator ?? '');
    if (!cursor || offset === undefined) return { status: 400, body: [{ message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' }] };
    return this.page(request, { ...cursor, offset: Number(offset) }, locator);
  }

  private page(request: RecordedRequest, cursor: { rows: SoqlRow[]; type: SObjectType; pageSize: number; offset: number }, locator?: string): EmulatorResponse {
    const version = /\/services\/data\/(v\d+\.\d+)\//.exec(request.path)?.[1] ?? 'v62.0';
    const end = cursor.offset + cursor.pageSize;
    const done = end >= cursor.rows.length;
    let nextRecordsUrl: string | undefined;
    if (!done) {
      const id = locator ?? `01gEM${String(this.cursors.size + 1).padStart(10, '0')}`;
      this.cursors.set(id, cursor);
      nextRecordsUrl = `/services/data/${version}/query/${id}-${end}`;
    }
    return {
      status: 200,
      body: {
        totalSize: cursor.rows.length,
        done,
        ...(nextRecordsUrl ? { nextRecordsUrl } : {}),
        records: cursor.rows.slice(cursor.offset, end).map((row) => withAttributes(cursor.type, row, version)),
      },
    };
  }

  private retrieve(request: RecordedRequest, rawType: string, id: string): EmulatorResponse {
    const type = sobjectType(rawType);
    const row = type ? this.table(type).get(id) : undefined;
    if (!type || !row) return this.notFound();
    const requested = request.query.get('fields')?.split(',').filter(Boolean);
    const fields = requested ?? [...fieldsOf[type]];
    const unknown = fields.find((field) => !fieldsOf[type].includes(field));
    if (unknown) return { status: 400, body: [{ message: `No such column '${unknown}' on sobject of type ${type}`, errorCode: 'INVALID_FIELD' }] };
    const version = /\/services\/data\/(v\d+\.\d+)\//.exec(request.path)?.[1] ?? 'v62.0';
    return { status: 200, body: withAttributes(type, Object.fromEntries(fields.map((field) => [field, row[field] ?? null])), version) };
  }

  private create(request: RecordedRequest, rawType: string): EmulatorResponse {
    const type = sobjectType(rawType);
    if (!type || !writableFields[type]) return this.notFound();
    const values = asRecord(request.body);
    const problem = this.validate(type, values, undefined);
    if (problem) return { status: 400, body: [problem] };
    const id = this.insert(type, values);
    return { status: 201, body: { id, success: true, errors: [] } };
  }

  private update(request: RecordedRequest, rawType: string, id: string): EmulatorResponse {
    const type = sobjectType(rawType);
    const row = type ? this.table(type).get(id) : undefined;
    if (!type || !row || !writableFields[type]) return this.notFound();
    const values = asRecord(request.body);
    const problem = this.validate(type, values, row);
    if (problem) return { status: 400, body: [problem] };
    Object.assign(row, values);
    this.derive(type, row);
    return { status: 204 };
  }

  // --- storage -------------------------------------------------------------------------

  private validate(type: SObjectType, values: Record<string, unknown>, existing: SoqlRow | undefined): Record<string, unknown> | undefined {
    const writable = writableFields[type] ?? [];
    for (const field of Object.keys(values)) {
      if (!fieldsOf[type].includes(field)) return { message: `No such column '${field}' on sobject of type ${type}`, errorCode: 'INVALID_FIELD', fields: [] };
      if (!writable.includes(field)) return { message: `Unable to create/update fields: ${field}.`, errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', fields: [field] };
    }
    if (type === 'Opportunity' && 'StageName' in values && !this.stage(values.StageName)) {
      return { message: `bad value for restricted picklist field: ${String(values.StageName)}`, errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', fields: ['StageName'] };
    }
    if (type === 'Opportunity' && 'Amount' in values && values.Amount !== null && typeof values.Amount !== 'number') {
      return { message: 'Amount: value not of required type', errorCode: 'JSON_PARSER_ERROR', fields: ['Amount'] };
    }
    if (type === 'Task') {
      if (typeof values.Subject === 'string' && values.Subject.length > 255) {
        return { message: 'Subject: data value too large', errorCode: 'STRING_TOO_LONG', fields: ['Subject'] };
      }
      if (typeof values.Description === 'string' && values.Description.length > 32_000) {
        return { message: 'Description: data value too large', errorCode: 'STRING_TOO_LONG', fields: ['Description'] };
      }
      const whatId = values.WhatId ?? existing?.WhatId;
      if (whatId !== undefined && whatId !== null && !this.table('Account').has(String(whatId)) && !this.table('Opportunity').has(String(whatId))) {
        return { message: `Related To ID: id value of incorrect type: ${String(whatId)}`, errorCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['WhatId'] };
      }
      if (values.WhoId !== undefined && values.WhoId !== null && !this.table('Contact').has(String(values.WhoId))) {
        return { message: `Name ID: id value of incorrect type: ${String(values.WhoId)}`, errorCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['WhoId'] };
      }
      if (values.ActivityDate !== undefined && values.ActivityDate !== null && !/^\d{4}-\d{2}-\d{2}$/.test(String(values.ActivityDate))) {
        return { message: `ActivityDate: value not of required type: ${String(values.ActivityDate)}`, errorCode: 'JSON_PARSER_ERROR', fields: ['ActivityDate'] };
      }
    }
    return undefined;
  }

  private insert(type: SObjectType, values: Record<string, unknown>): string {
    const id = `${idPrefixes[type]}EM${String(this.nextNumber++).padStart(10, '0')}AAA`;
    this.lastCreated = Math.max(Date.now(), this.lastCreated + 1);
    const row: SoqlRow = { ...Object.fromEntries(fieldsOf[type].map((field) => [field, null])), ...values, Id: id, CreatedDate: salesforceDateTime(this.lastCreated) };
    if (type === 'Task') row.Status ??= 'Not Started';
    if (type === 'Task') row.Priority ??= 'Normal';
    this.derive(type, row);
    this.table(type).set(id, row);
    return id;
  }

  /** Fields Salesforce computes: Task.AccountId rolls up from WhatId/WhoId, stage flags, Contact.Name. */
  private derive(type: SObjectType, row: SoqlRow): void {
    if (type === 'Task') {
      const whatId = typeof row.WhatId === 'string' ? row.WhatId : undefined;
      const whoId = typeof row.WhoId === 'string' ? row.WhoId : undefined;
      row.AccountId =
        (whatId && this.table('Account').has(whatId) ? whatId : undefined) ??
        (whatId ? (this.table('Opportunity').get(whatId)?.AccountId as string | undefined) : undefined) ??
        (whoId ? (this.table('Contact').get(whoId)?.AccountId as string | undefined) : undefined) ??
        null;
      row.IsClosed = row.Status === 'Completed';
    }
    if (type === 'Opportunity') {
      const stage = this.stage(row.StageName);
      row.IsClosed = stage?.IsClosed ?? false;
      row.IsWon = stage?.IsWon ?? false;
    }
    if (type === 'Contact') row.Name = [row.FirstName, row.LastName].filter(Boolean).join(' ');
  }

  private stage(apiName: unknown): SoqlRow | undefined {
    return [...this.table('OpportunityStage').values()].find((stage) => stage.ApiName === apiName && stage.IsActive === true);
  }

  private table(type: SObjectType): Map<string, SoqlRow> {
    return this.records.get(type)!;
  }
}

function sobjectType(name: string): SObjectType | undefined {
  return (Object.keys(fieldsOf) as SObjectType[]).find((type) => type.toLowerCase() === name.toLowerCase());
}

function withAttributes(type: SObjectType, row: SoqlRow, version: string): SoqlRow {
  return { attributes: { type, url: `/services/data/${version}/sobjects/${type}/${String(row.Id ?? '')}` }, ...row };
}

function invalidSession(): unknown[] {
  return [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }];
}

/** Salesforce's datetime format: 2024-01-02T10:00:00.000+0000. */
function salesforceDateTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('Z', '+0000');
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

import { ExternalServiceError, errorFromHttpStatus, errorFromNetworkFailure, parseRetryAfter } from '../../domain/service-errors';

/**
 * Typed client for Crono's public API (https://ext.crono.one/api/v1); Crono publishes no SDK.
 * Its shapes are only partly documented, so reads accept both camelCase and PascalCase
 * fields, and every answer is checked for `isSuccess`, which can be false on an HTTP 200.
 */
export interface CronoClientOptions {
  baseUrl: string;
  apiKey: string;
  apiSecret?: string;
  timeoutMs: number;
}

export interface CronoPageRequest {
  limit: number;
  offset: number;
}

export interface CronoPage<T> {
  items: T[];
  /** Total matches, when Crono says (TotalCount / Total / Count). */
  total?: number;
}

export interface CronoAccount {
  objectId: string;
  name: string;
  website?: string;
}

export interface CronoNote {
  objectId: string;
  description: string;
  accountId?: string;
}

export interface CronoOpportunity {
  objectId: string;
  name: string;
  stage: string;
  pipeline?: string;
  amount: number | null;
  currency?: string;
  closeDate?: string;
  isClosed?: boolean;
  accountId?: string;
}

export interface CronoProspect {
  objectId: string;
  name: string;
  email?: string;
  accountId?: string;
}

export interface CronoTask {
  objectId: string;
  subject?: string;
  description?: string;
}

export interface NewCronoNote {
  accountId: string;
  description: string;
  opportunityId: string | null;
  prospectIds: string[];
}

export interface NewCronoTask {
  accountId: string;
  prospectId: string | null;
  opportunityId: string | null;
  /** Crono's task type enum: 0 email, 1 call, 2 LinkedIn, 3 InMail. */
  type: number;
  activityDate: string;
  subject: string;
  description: string;
}

export interface CronoOpportunityChanges {
  opportunityId: string;
  stage?: string;
  amount?: number;
}

type JsonRecord = Record<string, unknown>;

interface Envelope {
  data: unknown;
  total?: number;
}

export class CronoClient {
  constructor(private readonly options: CronoClientOptions) {}

  async listAccounts(page: CronoPageRequest): Promise<CronoPage<CronoAccount>> {
    const envelope = await this.request('GET', '/api/v1/Accounts', { query: { Limit: String(page.limit), Offset: String(page.offset) } });
    return pageOf(envelope, toAccount);
  }

  /** The account, with its tasks when asked; null when Crono does not know the id. */
  async getAccount(accountId: string, options: { withTasks?: boolean } = {}): Promise<{ account: CronoAccount; tasks: CronoTask[] } | null> {
    try {
      const envelope = await this.request('GET', `/api/v1/Accounts/${encodeURIComponent(accountId)}`, {
        query: options.withTasks ? { WithTasks: 'true' } : undefined,
      });
      const record = asRecord(envelope.data);
      const account = record && toAccount(record);
      if (!record || !account) return null;
      return { account, tasks: listOf(field(record, 'tasks')).flatMap((task) => optional(toTask(task))) };
    } catch (error) {
      if (error instanceof ExternalServiceError && error.kind === 'not-found') return null;
      throw error;
    }
  }

  async searchAccounts(filter: { name: string }, page: CronoPageRequest): Promise<CronoPage<CronoAccount>> {
    const envelope = await this.request('POST', '/api/v1/Accounts/search', { body: { name: filter.name, pagination: page } });
    return pageOf(envelope, toAccount);
  }

  async createNote(note: NewCronoNote): Promise<void> {
    // The answer echoes the note without its objectId, so there is nothing to return.
    await this.request('POST', '/api/v1/Notes', { body: { data: note } });
  }

  async searchNotes(filter: { accountId: string; descriptionContains: string }, page: CronoPageRequest): Promise<CronoPage<CronoNote>> {
    const envelope = await this.request('POST', '/api/v1/Notes/search', {
      body: { accountId: filter.accountId, descriptionContains: filter.descriptionContains, pagination: page },
    });
    return pageOf(envelope, toNote);
  }

  async searchOpportunities(
    filter: { accountId?: string; objectIds?: string[]; isClosed?: boolean },
    page: CronoPageRequest,
  ): Promise<CronoPage<CronoOpportunity>> {
    const envelope = await this.request('POST', '/api/v1/Opportunities/search', {
      body: {
        pagination: page,
        accountId: filter.accountId ?? null,
        objectIds: filter.objectIds ?? [],
        isClosed: filter.isClosed ?? null,
      },
    });
    return pageOf(envelope, toOpportunity);
  }

  /** PATCH without an id in the path is the verb Crono answers (PUT /Opportunities/{id} gave 405). */
  async updateOpportunity(changes: CronoOpportunityChanges): Promise<CronoOpportunity | undefined> {
    const envelope = await this.request('PATCH', '/api/v1/Opportunities', { body: { data: changes } });
    const record = asRecord(envelope.data);
    return record ? toOpportunity(record) : undefined;
  }

  async searchProspects(filter: { name?: string; accountId?: string }, page: CronoPageRequest): Promise<CronoPage<CronoProspect>> {
    const envelope = await this.request('POST', '/api/v1/Prospects/search', {
      body: { name: filter.name ?? null, accountId: filter.accountId ?? null, pagination: page },
    });
    return pageOf(envelope, toProspect);
  }

  /** Crono may or may not echo the task's objectId. */
  async createTask(task: NewCronoTask): Promise<CronoTask | undefined> {
    const envelope = await this.request('POST', '/api/v1/Tasks', {
      body: { data: { ...task, subtype: null, templateId: null, automatic: false } },
    });
    const record = asRecord(envelope.data);
    return record ? toTask(record) : undefined;
  }

  private async request(
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    options: { query?: Record<string, string>; body?: unknown },
  ): Promise<Envelope> {
    const url = new URL(path, this.options.baseUrl);
    for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
    const headers: Record<string, string> = { accept: 'application/json', 'x-api-key': this.options.apiKey };
    if (this.options.apiSecret) headers['x-api-secret'] = this.options.apiSecret;
    if (options.body !== undefined) headers['content-type'] = 'application/json';

    let status: number;
    let retryAfter: string | null;
    let rawBody: string;
    try {
      const response = await fetch(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      rawBody = await response.text();
    } catch (error) {
      throw errorFromNetworkFailure('crono', error);
    }

    const body = rawBody === '' ? null : parseJson(rawBody);
    const record = asRecord(body);
    const problems = record ? errorsText(field(record, 'errors')) : '';
    if (status < 200 || status >= 300) {
      throw errorFromHttpStatus('crono', status, { detail: `HTTP ${status}${problems ? `: ${problems}` : ''}`, retryAfterMs: parseRetryAfter(retryAfter) });
    }
    if (body === undefined) {
      throw new ExternalServiceError({
        service: 'crono',
        kind: 'retryable',
        status,
        detail: `HTTP ${status} with a body that is not JSON`,
        userMessage: 'Crono sent a response we could not read; it will be retried automatically.',
      });
    }
    if (record && field(record, 'isSuccess') === false) {
      const reason = problems || 'isSuccess: false';
      throw new ExternalServiceError({
        service: 'crono',
        kind: 'invalid',
        status,
        detail: `HTTP ${status} isSuccess false: ${reason}`,
        userMessage: `Crono rejected the request: ${reason.slice(0, 200)}`,
      });
    }
    // Lists come wrapped as { data: [...] } or, from older endpoints, as a bare array.
    if (Array.isArray(body)) return { data: body };
    if (!record) return { data: undefined };
    const total = [field(record, 'totalCount'), field(record, 'total'), field(record, 'count')].find((value) => typeof value === 'number');
    return { data: field(record, 'data'), total: total as number | undefined };
  }
}

/** Reads `name` or its PascalCase twin. */
function field(record: JsonRecord, name: string): unknown {
  return record[name] ?? record[name.charAt(0).toUpperCase() + name.slice(1)];
}

function stringField(record: JsonRecord, name: string): string | undefined {
  const value = field(record, name);
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

function objectIdOf(record: JsonRecord): string | undefined {
  return stringField(record, 'objectId') ?? stringField(record, 'id');
}

function toAccount(record: JsonRecord): CronoAccount | undefined {
  const objectId = objectIdOf(record);
  if (!objectId) return undefined;
  return { objectId, name: stringField(record, 'name') ?? objectId, website: stringField(record, 'website') };
}

function toNote(record: JsonRecord): CronoNote | undefined {
  const objectId = objectIdOf(record);
  if (!objectId) return undefined;
  return { objectId, description: stringField(record, 'description') ?? '', accountId: stringField(record, 'accountId') };
}

function toOpportunity(record: JsonRecord): CronoOpportunity | undefined {
  const objectId = objectIdOf(record);
  if (!objectId) return undefined;
  const amount = field(record, 'amount');
  const numericAmount = typeof amount === 'number' ? amount : typeof amount === 'string' && amount.trim() !== '' ? Number(amount) : NaN;
  const isClosed = field(record, 'isClosed');
  return {
    objectId,
    name: stringField(record, 'name') ?? objectId,
    stage: stringField(record, 'stage') ?? '',
    pipeline: stringField(record, 'pipeline'),
    amount: Number.isNaN(numericAmount) ? null : numericAmount,
    currency: stringField(record, 'currency'),
    closeDate: stringField(record, 'closeDate'),
    isClosed: typeof isClosed === 'boolean' ? isClosed : undefined,
    accountId: stringField(record, 'accountId'),
  };
}

function toProspect(record: JsonRecord): CronoProspect | undefined {
  const objectId = objectIdOf(record);
  if (!objectId) return undefined;
  const name = stringField(record, 'name') ?? [stringField(record, 'firstName'), stringField(record, 'lastName')].filter(Boolean).join(' ');
  return { objectId, name: name || (stringField(record, 'email') ?? objectId), email: stringField(record, 'email'), accountId: stringField(record, 'accountId') };
}

function toTask(record: JsonRecord): CronoTask | undefined {
  const objectId = objectIdOf(record);
  if (!objectId) return undefined;
  return { objectId, subject: stringField(record, 'subject'), description: stringField(record, 'description') };
}

function pageOf<T>(envelope: Envelope, convert: (record: JsonRecord) => T | undefined): CronoPage<T> {
  return { items: listOf(envelope.data).flatMap((record) => optional(convert(record))), total: envelope.total };
}

function listOf(value: unknown): JsonRecord[] {
  return Array.isArray(value) ? value.flatMap((item) => optional(asRecord(item))) : [];
}

function optional<T>(value: T | undefined): T[] {
  return value === undefined ? [] : [value];
}

function asRecord(value: unknown): JsonRecord | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as JsonRecord) : undefined;
}

/** `errors` holds strings or objects with a message; which one is undocumented. */
function errorsText(errors: unknown): string {
  if (!Array.isArray(errors)) return typeof errors === 'string' ? errors : '';
  return errors
    .map((entry) => {
      if (typeof entry === 'string') return entry;
      const record = asRecord(entry);
      return record ? (stringField(record, 'message') ?? stringField(record, 'description') ?? stringField(record, 'errorMessage') ?? stringField(record, 'code') ?? '') : '';
    })
    .filter(Boolean)
    .join('; ');
}

/** undefined when the text is not JSON. */
function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

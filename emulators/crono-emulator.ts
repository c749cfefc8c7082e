import { HttpEmulator, type EmulatorResponse, type RecordedRequest } from './http-emulator';
import { RollingWindowLimit } from './rolling-window-limit';

/**
 * Crono's public API (https://ext.crono.one/api/v1) as far as it is known: API key + secret
 * headers, every answer wrapped as `{ data, isSuccess, errors }` (isSuccess can be false on an
 * HTTP 200), create/update bodies wrapped as `{ data: {...} }`, offset paging, and no domain
 * search. Input is accepted in camelCase or PascalCase (`accountId` / `AccountId`, `data` /
 * `Data`); output is camelCase. The create-note answer carries no objectId, like the real one.
 */
export interface CronoAccountRecord {
  objectId: string;
  name: string;
  website: string | null;
  createdDate: string;
}

export interface CronoNoteRecord {
  objectId: string;
  accountId: string;
  opportunityId: string | null;
  prospectIds: string[];
  description: string;
  createdDate: string;
}

export interface CronoOpportunityRecord {
  objectId: string;
  accountId: string;
  name: string;
  stage: string;
  pipeline: string;
  amount: number | null;
  currency: string;
  closeDate: string | null;
  isClosed: boolean;
  isWon: boolean;
  createdDate: string;
  lastModifiedDate: string;
}

export interface CronoProspectRecord {
  objectId: string;
  accountId: string;
  name: string;
  email: string | null;
}

export interface CronoTaskRecord {
  objectId: string;
  accountId: string;
  prospectId: string | null;
  opportunityId: string | null;
  type: number;
  activityDate: string;
  subject: string;
  description: string;
  createdDate: string;
}

export interface CronoStage {
  name: string;
  pipeline: string;
  isClosed: boolean;
  isWon: boolean;
}

/** The stage values a Crono workspace synced from HubSpot typically carries. */
const defaultStages: CronoStage[] = [
  { name: 'appointmentscheduled', pipeline: 'default', isClosed: false, isWon: false },
  { name: 'qualifiedtobuy', pipeline: 'default', isClosed: false, isWon: false },
  { name: 'presentationscheduled', pipeline: 'default', isClosed: false, isWon: false },
  { name: 'decisionmakerboughtin', pipeline: 'default', isClosed: false, isWon: false },
  { name: 'closedwon', pipeline: 'default', isClosed: true, isWon: true },
  { name: 'closedlost', pipeline: 'default', isClosed: true, isWon: false },
];

/** Largest page each list answers. */
const pageLimits = { accounts: 200, prospects: 50, opportunities: 100, notes: 100 };

type JsonRecord = Record<string, unknown>;

export class CronoEmulator extends HttpEmulator {
  /**
   * Crono documents no rate limit (api-contracts.md §2: "UNCONFIRMED. None were found"). The
   * emulator assumes the same conservative 60 calls a minute per key the client keeps to
   * (clients/service-rate-limits.ts), refused with 429, Retry-After and Crono's error envelope.
   */
  rateLimit = new RollingWindowLimit(60, 60_000);

  readonly apiKey = 'crono-emulator-public-key';
  readonly apiSecret = 'crono-emulator-private-key';
  /** Clamps every page below Crono's own limits so tests can page with little data. */
  maxPageSize = 200;
  readonly stages: CronoStage[] = structuredClone(defaultStages);
  private readonly accountRecords = new Map<string, CronoAccountRecord>();
  private readonly noteRecords: CronoNoteRecord[] = [];
  private readonly opportunityRecords = new Map<string, CronoOpportunityRecord>();
  private readonly prospectRecords = new Map<string, CronoProspectRecord>();
  private readonly taskRecords: CronoTaskRecord[] = [];
  private keyRevoked = false;
  private nextNumber = 301430324441;
  private lastCreated = 0;

  constructor() {
    super('crono');
    this.route('GET', /^\/api\/v1\/Users$/i, (request) => this.api(request, () => ok([{ objectId: 'user_1', email: 'rep@example.com' }])));
    this.route('GET', /^\/api\/v1\/Accounts$/i, (request) => this.api(request, () => this.listAccounts(request)));
    this.route('POST', /^\/api\/v1\/Accounts\/search$/i, (request) => this.api(request, () => this.searchAccounts(request)));
    this.route('GET', /^\/api\/v1\/Accounts\/([^/]+)$/i, (request, [id]) => this.api(request, () => this.getAccount(request, id!)));
    this.route('POST', /^\/api\/v1\/Notes\/search$/i, (request) => this.api(request, () => this.searchNotes(request)));
    this.route('POST', /^\/api\/v1\/Notes$/i, (request) => this.api(request, () => this.createNote(request)));
    this.route('POST', /^\/api\/v1\/Opportunities\/search$/i, (request) => this.api(request, () => this.searchOpportunities(request)));
    this.route('PATCH', /^\/api\/v1\/Opportunities$/i, (request) => this.api(request, () => this.updateOpportunity(payload(request.body), undefined)));
    this.route('PUT', /^\/api\/v1\/Opportunities\/([^/]+)$/i, (request, [id]) => this.api(request, () => this.updateOpportunity(payload(request.body), id)));
    this.route('POST', /^\/api\/v1\/Prospects\/search$/i, (request) => this.api(request, () => this.searchProspects(request)));
    this.route('POST', /^\/api\/v1\/Tasks$/i, (request) => this.api(request, () => this.createTask(request)));
  }

  // --- seeding -------------------------------------------------------------------------

  addAccount(input: { name: string; website?: string }): string {
    const objectId = this.newId();
    this.accountRecords.set(objectId, { objectId, name: input.name, website: input.website ?? null, createdDate: this.timestamp() });
    return objectId;
  }

  addOpportunity(input: { accountId: string; name: string; stage?: string; amount?: number | null; pipeline?: string }): string {
    const objectId = this.newId();
    const stage = this.stageNamed(input.stage ?? 'appointmentscheduled', input.pipeline ?? 'default');
    const now = this.timestamp();
    this.opportunityRecords.set(objectId, {
      objectId,
      accountId: input.accountId,
      name: input.name,
      stage: input.stage ?? 'appointmentscheduled',
      pipeline: input.pipeline ?? 'default',
      amount: input.amount ?? null,
      currency: 'EUR',
      closeDate: null,
      isClosed: stage?.isClosed ?? false,
      isWon: stage?.isWon ?? false,
      createdDate: now,
      lastModifiedDate: now,
    });
    return objectId;
  }

  addProspect(input: { accountId: string; name: string; email?: string }): string {
    const objectId = this.newId();
    this.prospectRecords.set(objectId, { objectId, accountId: input.accountId, name: input.name, email: input.email ?? null });
    return objectId;
  }

  /** A note someone else wrote on the account. */
  addNote(input: { accountId: string; description: string }): string {
    const objectId = this.newId();
    this.noteRecords.push({ objectId, accountId: input.accountId, opportunityId: null, prospectIds: [], description: input.description, createdDate: this.timestamp() });
    return objectId;
  }

  // --- inspection ----------------------------------------------------------------------

  notes(): CronoNoteRecord[] {
    return this.noteRecords.map((note) => ({ ...note }));
  }

  tasks(): CronoTaskRecord[] {
    return this.taskRecords.map((task) => ({ ...task }));
  }

  deals(): CronoOpportunityRecord[] {
    return [...this.opportunityRecords.values()].map((deal) => ({ ...deal }));
  }

  // --- knobs ---------------------------------------------------------------------------

  /** The workspace's key pair stops working, as when an admin rotates it. */
  revokeApiKey(): void {
    this.keyRevoked = true;
  }

  rateLimitNext(times = 1, retryAfterSeconds?: number): void {
    this.injectFault({
      path: /^\/api\//i,
      times,
      fault: {
        status: 429,
        headers: retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) },
        body: failure('TooManyRequests', 'Rate limit exceeded. Try again later.'),
      },
    });
  }

  serverErrorNext(times = 1, status = 500): void {
    this.injectFault({ path: /^\/api\//i, times, fault: { status, body: failure('InternalServerError', 'An unexpected error occurred.') } });
  }

  unauthorizedNext(times = 1): void {
    this.injectFault({ path: /^\/api\//i, times, fault: { status: 401, body: failure('Unauthorized', 'Invalid API key or secret.') } });
  }

  /** Crono's quirk: an HTTP 200 whose envelope says isSuccess false. */
  rejectNext(times = 1, message = 'Data required'): void {
    this.injectFault({ path: /^\/api\//i, times, fault: { status: 200, body: failure('ValidationError', message) } });
  }

  // --- handlers ------------------------------------------------------------------------

  protected override notFound(request: RecordedRequest): EmulatorResponse {
    return { status: 404, body: failure('NotFound', `No endpoint ${request.method} ${request.path}`) };
  }

  private api(request: RecordedRequest, handle: () => EmulatorResponse): EmulatorResponse {
    if (this.keyRevoked || request.headers['x-api-key'] !== this.apiKey || request.headers['x-api-secret'] !== this.apiSecret) {
      return { status: 401, body: failure('Unauthorized', 'Invalid API key or secret.') };
    }
    const verdict = this.rateLimit.admit(this.apiKey);
    if (!verdict.admitted) {
      return { status: 429, headers: { 'retry-after': String(Math.ceil(verdict.retryAfterMs / 1000)) }, body: failure('TooManyRequests', 'Too many requests.') };
    }
    return handle();
  }

  private listAccounts(request: RecordedRequest): EmulatorResponse {
    const page = pageFromQuery(request.query, Math.min(pageLimits.accounts, this.maxPageSize));
    // Newest first: "the most recent accounts", as the previous integration observed.
    const accounts = [...this.accountRecords.values()].reverse();
    return okPage(accounts, page);
  }

  private searchAccounts(request: RecordedRequest): EmulatorResponse {
    const body = asRecord(request.body);
    const name = stringInput(body, 'name')?.toLowerCase();
    const hasWebsite = input(body, 'hasWebsite');
    const accounts = [...this.accountRecords.values()].filter(
      (account) => (!name || account.name.toLowerCase().includes(name)) && (hasWebsite !== true || Boolean(account.website)),
    );
    return okPage(accounts, pageFromBody(body, Math.min(pageLimits.accounts, this.maxPageSize)));
  }

  private getAccount(request: RecordedRequest, id: string): EmulatorResponse {
    const account = this.accountRecords.get(id);
    if (!account) return { status: 404, body: failure('NotFound', `Account ${id} not found`) };
    const withTasks = /^true$/i.test(request.query.get('WithTasks') ?? request.query.get('withTasks') ?? '');
    return ok(withTasks ? { ...account, tasks: this.taskRecords.filter((task) => task.accountId === id) } : account);
  }

  private createNote(request: RecordedRequest): EmulatorResponse {
    const data = payload(request.body);
    if (!data) return { status: 400, body: failure('ValidationError', 'Data required') };
    const accountId = stringInput(data, 'accountId');
    const description = stringInput(data, 'description');
    if (!accountId || !this.accountRecords.has(accountId)) return ok(undefined, ['Account not found']);
    if (!description) return ok(undefined, ['Description required']);
    const opportunityId = stringInput(data, 'opportunityId') ?? null;
    if (opportunityId && this.opportunityRecords.get(opportunityId)?.accountId !== accountId) return ok(undefined, ['Opportunity not found']);
    const prospectIds = input(data, 'prospectIds');
    const note: CronoNoteRecord = {
      objectId: this.newId(),
      accountId,
      opportunityId,
      prospectIds: Array.isArray(prospectIds) ? prospectIds.map(String) : [],
      description,
      createdDate: this.timestamp(),
    };
    this.noteRecords.push(note);
    const { objectId: _hidden, ...withoutId } = note;
    return ok(withoutId);
  }

  private searchNotes(request: RecordedRequest): EmulatorResponse {
    const body = asRecord(request.body);
    const accountId = stringInput(body, 'accountId');
    const opportunityId = stringInput(body, 'opportunityId');
    const contains = stringInput(body, 'descriptionContains')?.toLowerCase();
    const notes = this.noteRecords
      .filter(
        (note) =>
          (!accountId || note.accountId === accountId) &&
          (!opportunityId || note.opportunityId === opportunityId) &&
          (!contains || note.description.toLowerCase().includes(contains)),
      )
      .reverse();
    return okPage(notes, pageFromBody(body, Math.min(pageLimits.notes, this.maxPageSize)));
  }

  private searchOpportunities(request: RecordedRequest): EmulatorResponse {
    const body = asRecord(request.body);
    const accountId = stringInput(body, 'accountId');
    const objectIds = input(body, 'objectIds');
    const isClosed = input(body, 'isClosed');
    const stage = stringInput(body, 'stage');
    const deals = [...this.opportunityRecords.values()].filter(
      (deal) =>
        (!accountId || deal.accountId === accountId) &&
        (!Array.isArray(objectIds) || objectIds.length === 0 || objectIds.includes(deal.objectId)) &&
        (typeof isClosed !== 'boolean' || deal.isClosed === isClosed) &&
        (!stage || deal.stage === stage),
    );
    return okPage(deals, pageFromBody(body, Math.min(pageLimits.opportunities, this.maxPageSize)));
  }

  private updateOpportunity(data: JsonRecord | undefined, pathId: string | undefined): EmulatorResponse {
    if (!data) return { status: 400, body: failure('ValidationError', 'Data required') };
    const id = pathId ?? stringInput(data, 'opportunityId');
    const deal = id ? this.opportunityRecords.get(id) : undefined;
    if (!id) return ok(undefined, ['OpportunityId required']);
    if (!deal) return { status: 404, body: failure('NotFound', `Opportunity ${id} not found`) };
    const stageName = stringInput(data, 'stage');
    const amount = input(data, 'amount');
    if (stageName === undefined && amount === undefined && stringInput(data, 'description') === undefined) {
      return ok(undefined, ['Nothing to update: give stage, amount or description']);
    }
    if (stageName !== undefined) {
      const stage = this.stageNamed(stageName, deal.pipeline);
      if (!stage) return ok(undefined, [`Stage "${stageName}" does not exist in pipeline "${deal.pipeline}"`]);
      Object.assign(deal, { stage: stage.name, isClosed: stage.isClosed, isWon: stage.isWon });
    }
    if (amount !== undefined) {
      if (amount !== null && typeof amount !== 'number') return ok(undefined, ['Amount must be a number']);
      deal.amount = amount;
    }
    deal.lastModifiedDate = this.timestamp();
    return ok({ ...deal });
  }

  private searchProspects(request: RecordedRequest): EmulatorResponse {
    const body = asRecord(request.body);
    const name = stringInput(body, 'name')?.toLowerCase();
    const accountId = stringInput(body, 'accountId');
    const prospects = [...this.prospectRecords.values()].filter(
      (prospect) => (!name || prospect.name.toLowerCase().includes(name)) && (!accountId || prospect.accountId === accountId),
    );
    return okPage(prospects, pageFromBody(body, Math.min(pageLimits.prospects, this.maxPageSize)));
  }

  private createTask(request: RecordedRequest): EmulatorResponse {
    const data = payload(request.body);
    if (!data) return { status: 400, body: failure('ValidationError', 'Data required') };
    const accountId = stringInput(data, 'accountId');
    if (!accountId || !this.accountRecords.has(accountId)) return ok(undefined, ['Account not found']);
    const activityDate = stringInput(data, 'activityDate');
    if (!activityDate || Number.isNaN(Date.parse(activityDate))) return ok(undefined, ['ActivityDate is not valid']);
    const type = input(data, 'type');
    if (typeof type !== 'number' || ![0, 1, 2, 3].includes(type)) return ok(undefined, ['Type is not valid']);
    const task: CronoTaskRecord = {
      objectId: this.newId(),
      accountId,
      prospectId: stringInput(data, 'prospectId') || null,
      opportunityId: stringInput(data, 'opportunityId') ?? null,
      type,
      activityDate,
      subject: stringInput(data, 'subject') ?? '',
      description: stringInput(data, 'description') ?? '',
      createdDate: this.timestamp(),
    };
    this.taskRecords.push(task);
    const { objectId: _hidden, ...withoutId } = task;
    return ok(withoutId);
  }

  // --- helpers -------------------------------------------------------------------------

  private stageNamed(name: string, pipeline: string): CronoStage | undefined {
    return this.stages.find((stage) => stage.name === name && stage.pipeline === pipeline);
  }

  private newId(): string {
    return `25995825_${this.nextNumber++}`;
  }

  private timestamp(): string {
    this.lastCreated = Math.max(Date.now(), this.lastCreated + 1);
    return new Date(this.lastCreated).toISOString();
  }
}

/** Reads `name` or its PascalCase twin from client input. */
function input(record: JsonRecord, name: string): unknown {
  return record[name] ?? record[name.charAt(0).toUpperCase() + name.slice(1)];
}

function stringInput(record: JsonRecord, name: string): string | undefined {
  const value = input(record, name);
  return typeof value === 'string' ? value : undefined;
}

/** The `{ data: {...} }` / `{ Data: {...} }` wrapper of create and update bodies. */
function payload(body: unknown): JsonRecord | undefined {
  const data = input(asRecord(body), 'data');
  return data && typeof data === 'object' && !Array.isArray(data) ? (data as JsonRecord) : undefined;
}

interface Page {
  limit: number;
  offset: number;
}

function pageFromQuery(query: URLSearchParams, maxLimit: number): Page {
  const limit = Number(query.get('Limit') ?? query.get('limit') ?? maxLimit) || maxLimit;
  const offset = Number(query.get('Offset') ?? query.get('offset') ?? 0) || 0;
  return { limit: Math.min(limit, maxLimit), offset };
}

function pageFromBody(body: JsonRecord, maxLimit: number): Page {
  const pagination = asRecord(input(body, 'pagination'));
  const limit = Number(input(pagination, 'limit') ?? maxLimit) || maxLimit;
  const offset = Number(input(pagination, 'offset') ?? 0) || 0;
  return { limit: Math.min(limit, maxLimit), offset };
}

function okPage(items: unknown[], page: Page): EmulatorResponse {
  return { status: 200, body: { data: items.slice(page.offset, page.offset + page.limit), isSuccess: true, errors: [], totalCount: items.length } };
}

/** HTTP 200 either way; problems only show in the envelope. */
function ok(data: unknown, problems: string[] = []): EmulatorResponse {
  if (problems.length > 0) return { status: 200, body: { data: null, isSuccess: false, errors: problems.map((message) => ({ code: 'ValidationError', message })) } };
  return { status: 200, body: { data: data ?? null, isSuccess: true, errors: [] } };
}

function failure(code: string, message: string): JsonRecord {
  return { data: null, isSuccess: false, errors: [{ code, message }] };
}

function asRecord(value: unknown): JsonRecord {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as JsonRecord) : {};
}

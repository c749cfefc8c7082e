import { randomUUID } from 'node:crypto';
import { bearerToken, OAuthCrmEmulator } from './crm-oauth-tokens';
import type { EmulatorResponse, RecordedRequest } from './http-emulator';
import { RollingWindowLimit, type WindowVerdict } from './rolling-window-limit';

/**
 * HubSpot CRM v3/v4 as @hubspot/api-client talks to it: OAuth v1 token endpoint, CRM object
 * CRUD, search (filterGroups/query/after paging), batch read, v4 association paging and deal
 * pipelines, with HubSpot's error envelope `{ status: 'error', message, correlationId, category }`,
 * and its rate limits, refused by default as HubSpot does (per account per 10 s, search per token
 * per second) with its 429 bodies and rate-limit headers.
 */
type ObjectType = 'companies' | 'contacts' | 'deals' | 'notes' | 'tasks';
const objectTypes: readonly ObjectType[] = ['companies', 'contacts', 'deals', 'notes', 'tasks'];

interface StoredObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  /** Target type → target id → association type id (directional, HUBSPOT_DEFINED). */
  associations: Map<ObjectType, Map<string, number>>;
}

export interface HubSpotStage {
  id: string;
  label: string;
  isClosed: boolean;
  probability?: number;
}

export interface HubSpotPipeline {
  id: string;
  label: string;
  stages: HubSpotStage[];
}

export interface HubSpotNoteView {
  id: string;
  body: string;
  timestamp: string | null;
  companyIds: string[];
  dealIds: string[];
  contactIds: string[];
  associationTypeIds: number[];
}

export interface HubSpotTaskView extends Omit<HubSpotNoteView, 'timestamp'> {
  subject: string | null;
  status: string | null;
  dueAt: string | null;
}

export interface HubSpotDealView {
  id: string;
  name: string | null;
  stage: string | null;
  pipeline: string | null;
  amount: string | null;
  companyIds: string[];
}

/** HUBSPOT_DEFINED association types this emulator understands: id → [from, to, inverse id]. */
const associationTypes: Record<number, [ObjectType, ObjectType, number]> = {
  190: ['notes', 'companies', 189],
  214: ['notes', 'deals', 213],
  202: ['notes', 'contacts', 201],
  192: ['tasks', 'companies', 191],
  216: ['tasks', 'deals', 215],
  204: ['tasks', 'contacts', 203],
  341: ['deals', 'companies', 342],
  279: ['contacts', 'companies', 280],
};

const defaultProperties: Record<ObjectType, string[]> = {
  companies: ['name', 'domain'],
  contacts: ['firstname', 'lastname', 'email'],
  deals: ['dealname', 'amount', 'closedate', 'pipeline', 'dealstage'],
  notes: ['hs_note_body', 'hs_timestamp'],
  tasks: ['hs_task_subject', 'hs_task_body', 'hs_task_status', 'hs_timestamp'],
};

/** Properties the free-text `query` of a search looks at. */
const searchableProperties: Record<ObjectType, string[]> = {
  companies: ['name', 'domain', 'website'],
  contacts: ['firstname', 'lastname', 'email'],
  deals: ['dealname'],
  notes: ['hs_note_body'],
  tasks: ['hs_task_subject', 'hs_task_body'],
};

const defaultPipeline: HubSpotPipeline = {
  id: 'default',
  label: 'Sales Pipeline',
  stages: [
    { id: 'appointmentscheduled', label: 'Appointment Scheduled', isClosed: false, probability: 0.2 },
    { id: 'qualifiedtobuy', label: 'Qualified To Buy', isClosed: false, probability: 0.4 },
    { id: 'presentationscheduled', label: 'Presentation Scheduled', isClosed: false, probability: 0.6 },
    { id: 'decisionmakerboughtin', label: 'Decision Maker Bought-In', isClosed: false, probability: 0.8 },
    { id: 'contractsent', label: 'Contract Sent', isClosed: false, probability: 0.9 },
    { id: 'closedwon', label: 'Closed Won', isClosed: true, probability: 1 },
    { id: 'closedlost', label: 'Closed Lost', isClosed: true, probability: 0 },
  ],
};

/**
 * HubSpot's limits as api-contracts.md §3 and limits-and-reliability.md §4 give them: a public
 * OAuth app may make about 110 requests per rolling 10 s per installed account
 * (TEN_SECONDLY_ROLLING), and CRM search about 4–5 a second per token, counted apart and
 * answered without rate-limit headers (HubSpot raised search from 4 to 5 a second).
 */
const burstWindowMs = 10_000;
const burstMax = 110;
const searchPerSecond = 5;

export class HubSpotEmulator extends OAuthCrmEmulator {
  readonly oauthClient = { clientId: 'hubspot-emulator-client', clientSecret: 'hubspot-emulator-secret' };
  /** Clamps search (200 in the real API) and association (500) pages so tests can page with little data. */
  maxPageSize = 500;
  readonly pipelines: HubSpotPipeline[] = [structuredClone(defaultPipeline)];
  private readonly objects = new Map<ObjectType, Map<string, StoredObject>>(objectTypes.map((type) => [type, new Map()]));
  private nextId = 1001;
  /** Refuses over HubSpot's limits by default, as HubSpot does; tests may replace it. */
  burstLimit = new RollingWindowLimit(burstMax, burstWindowMs);
  searchLimit = new RollingWindowLimit(searchPerSecond, 1_000);

  constructor() {
    super('hubspot', { prefix: 'hs', accessTokenTtlSeconds: 1800, rotateRefreshTokens: false });
    // The date-versioned OAuth API (2026-03) only: the v1 endpoints are sunset on 2027-02-16.
    this.route('POST', /^\/oauth\/2026-03\/token$/, (request) => this.token(request));
    this.route('POST', /^\/oauth\/2026-03\/token\/revoke$/, (request) => this.revoke(request));
    this.route('POST', /^\/crm\/v3\/objects\/(\w+)\/search$/, (request, [type]) => this.api(request, () => this.search(request, type!)));
    this.route('POST', /^\/crm\/v3\/objects\/(\w+)\/batch\/read$/, (request, [type]) => this.api(request, () => this.batchRead(request, type!)));
    this.route('POST', /^\/crm\/v3\/objects\/(\w+)$/, (request, [type]) => this.api(request, () => this.create(request, type!)));
    this.route('GET', /^\/crm\/v3\/objects\/(\w+)\/([^/]+)$/, (request, [type, id]) => this.api(request, () => this.read(request, type!, id!)));
    this.route('PATCH', /^\/crm\/v3\/objects\/(\w+)\/([^/]+)$/, (request, [type, id]) => this.api(request, () => this.update(request, type!, id!)));
    this.route('GET', /^\/crm\/v4\/objects\/(\w+)\/([^/]+)\/associations\/(\w+)$/, (request, [type, id, toType]) =>
      this.api(request, () => this.associationsPage(request, type!, id!, toType!)),
    );
    this.route('GET', /^\/crm\/v3\/pipelines\/(\w+)$/, (request, [type]) => this.api(request, () => this.pipelinesOf(type!)));
  }

  // --- seeding -------------------------------------------------------------------------

  /** A company; HubSpot derives `domain` from the website when only that is given. */
  addCompany(input: { name: string; domain?: string; website?: string }): string {
    const domain = input.domain ?? (input.website ? bareDomain(input.website) : null);
    return this.store('companies', { name: input.name, domain, website: input.website ?? null }).id;
  }

  addContact(input: { firstname: string; lastname?: string; email?: string; companyId?: string }): string {
    const contact = this.store('contacts', {
      firstname: input.firstname,
      lastname: input.lastname ?? null,
      email: input.email ?? null,
      associatedcompanyid: input.companyId ?? null,
    });
    if (input.companyId) this.associate('contacts', contact.id, input.companyId, 279);
    return contact.id;
  }

  addDeal(input: { name: string; companyId?: string; stage?: string; pipeline?: string; amount?: number | null; closeDate?: string }): string {
    const deal = this.store('deals', {
      dealname: input.name,
      dealstage: input.stage ?? 'appointmentscheduled',
      pipeline: input.pipeline ?? 'default',
      amount: input.amount === undefined || input.amount === null ? null : String(input.amount),
      closedate: input.closeDate ?? null,
    });
    if (input.companyId) this.associate('deals', deal.id, input.companyId, 341);
    return deal.id;
  }

  /** A note written by someone else (a rep, another integration). */
  addNote(input: { companyId: string; body: string }): string {
    const note = this.store('notes', { hs_note_body: input.body, hs_timestamp: new Date().toISOString() });
    this.associate('notes', note.id, input.companyId, 190);
    return note.id;
  }

  addPipeline(pipeline: HubSpotPipeline): void {
    this.pipelines.push(structuredClone(pipeline));
  }

  // --- inspection ----------------------------------------------------------------------

  notes(): HubSpotNoteView[] {
    return [...this.table('notes').values()].map((note) => ({
      id: note.id,
      body: note.properties.hs_note_body ?? '',
      timestamp: note.properties.hs_timestamp ?? null,
      ...this.associationView(note),
    }));
  }

  tasks(): HubSpotTaskView[] {
    return [...this.table('tasks').values()].map((task) => ({
      id: task.id,
      subject: task.properties.hs_task_subject ?? null,
      body: task.properties.hs_task_body ?? '',
      status: task.properties.hs_task_status ?? null,
      dueAt: task.properties.hs_timestamp ?? null,
      ...this.associationView(task),
    }));
  }

  deals(): HubSpotDealView[] {
    return [...this.table('deals').values()].map((deal) => ({
      id: deal.id,
      name: deal.properties.dealname ?? null,
      stage: deal.properties.dealstage ?? null,
      pipeline: deal.properties.pipeline ?? null,
      amount: deal.properties.amount ?? null,
      companyIds: [...(deal.associations.get('companies')?.keys() ?? [])],
    }));
  }

  // --- knobs ---------------------------------------------------------------------------

  /** HubSpot's burst limiter: 429 with its RATE_LIMIT body; Retry-After only when given. */
  rateLimitNext(times = 1, retryAfterSeconds?: number): void {
    this.injectFault({
      path: /^\/crm\//,
      times,
      fault: {
        status: 429,
        headers: retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) },
        body: rateLimitBody('You have reached your ten_secondly_rolling limit.', 'TEN_SECONDLY_ROLLING'),
      },
    });
  }

  serverErrorNext(times = 1, status = 500): void {
    this.injectFault({ path: /^\/crm\//, times, fault: { status, body: errorBody('INTERNAL_ERROR', 'internal error') } });
  }

  /** The API rejects the next calls' tokens, whatever they are. */
  unauthorizedNext(times = 1): void {
    this.injectFault({ path: /^\/crm\//, times, fault: { status: 401, body: errorBody('INVALID_AUTHENTICATION', 'Authentication credentials not found.') } });
  }

  // --- handlers ------------------------------------------------------------------------

  protected override notFound(request: RecordedRequest): EmulatorResponse {
    return { status: 404, body: errorBody('OBJECT_NOT_FOUND', `Unable to route ${request.method} ${request.path}`) };
  }

  private token(request: RecordedRequest): EmulatorResponse {
    const form = asRecord(request.body);
    if (form.client_id !== this.oauthClient.clientId || form.client_secret !== this.oauthClient.clientSecret) {
      return { status: 400, body: oauthError('BAD_CLIENT_ID', 'invalid_client', 'missing or unknown client id') };
    }
    if (form.grant_type === 'authorization_code') {
      const issued = this.tokens.redeemAuthCode(form.code, form.redirect_uri);
      if (!issued) return { status: 400, body: oauthError('BAD_AUTH_CODE', 'invalid_grant', 'missing or invalid auth code') };
      return { status: 200, body: { token_type: 'bearer', refresh_token: issued.refreshToken, access_token: issued.accessToken, expires_in: issued.expiresIn } };
    }
    if (form.grant_type !== 'refresh_token') {
      return { status: 400, body: oauthError('BAD_GRANT_TYPE', 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token') };
    }
    const issued = this.tokens.refresh(typeof form.refresh_token === 'string' ? form.refresh_token : undefined);
    if (!issued) return { status: 400, body: oauthError('BAD_REFRESH_TOKEN', 'invalid_grant', 'refresh token is invalid, expired or revoked') };
    return { status: 200, body: { token_type: 'bearer', refresh_token: issued.refreshToken, access_token: issued.accessToken, expires_in: issued.expiresIn } };
  }

  /**
   * Revokes a refresh token (and with it the grant): client credentials and the token in the form
   * body. An unknown or already revoked token is answered 200 as RFC 7009 §2.2 has it: the caller's
   * goal, a dead token, is reached either way.
   */
  private revoke(request: RecordedRequest): EmulatorResponse {
    const form = asRecord(request.body);
    if (form.client_id !== this.oauthClient.clientId || form.client_secret !== this.oauthClient.clientSecret) {
      return { status: 400, body: oauthError('BAD_CLIENT_ID', 'invalid_client', 'missing or unknown client id') };
    }
    if (typeof form.token !== 'string' || form.token === '') {
      return { status: 400, body: { message: 'Invalid input: token is required', correlationId: randomUUID(), category: 'VALIDATION_ERROR' } };
    }
    this.tokens.revoke(form.token);
    return { status: 200, body: undefined };
  }

  /**
   * Authenticates, counts the call against its account's limits (search against its token's),
   * runs the handler, and adds the rate-limit headers HubSpot sends outside search.
   */
  private api(request: RecordedRequest, handle: () => EmulatorResponse): EmulatorResponse {
    const token = bearerToken(request.headers.authorization);
    const state = this.tokens.check(token);
    if (state === 'expired') {
      return { status: 401, body: errorBody('EXPIRED_AUTHENTICATION', 'The OAuth token used to make this call expired.') };
    }
    if (state === 'unknown') {
      return { status: 401, body: errorBody('INVALID_AUTHENTICATION', 'Authentication credentials not found. This API supports OAuth 2.0 authentication.') };
    }
    if (request.path.endsWith('/search')) {
      if (!this.searchLimit.admit(token!).admitted) return { status: 429, body: rateLimitBody('You have reached your secondly limit.', 'SECONDLY') };
      return handle();
    }
    const verdict = this.burstLimit.admit(this.tokens.grantOf(token) ?? token!);
    if (!verdict.admitted) {
      return { status: 429, headers: burstHeaders(verdict), body: rateLimitBody('You have reached your ten_secondly_rolling limit.', 'TEN_SECONDLY_ROLLING') };
    }
    const response = handle();
    return { ...response, headers: { ...response.headers, ...burstHeaders(verdict) } };
  }

  private search(request: RecordedRequest, rawType: string): EmulatorResponse {
    const type = objectType(rawType);
    if (!type) return this.notFound(request);
    const body = asRecord(request.body);
    const filterGroups = Array.isArray(body.filterGroups) ? body.filterGroups.map(asRecord) : [];
    if (filterGroups.length > 5) return { status: 400, body: errorBody('VALIDATION_ERROR', 'Too many filter groups (max 5).') };
    let matches: StoredObject[];
    try {
      matches = [...this.table(type).values()].filter((object) => matchesFilterGroups(object, filterGroups) && matchesQuery(object, body.query, type));
    } catch (error) {
      return { status: 400, body: errorBody('VALIDATION_ERROR', (error as Error).message) };
    }
    const limit = Math.min(numberOr(body.limit, 10), 200, this.maxPageSize);
    const offset = Number(body.after ?? 0) || 0;
    const page = matches.slice(offset, offset + limit);
    const properties = requestedProperties(body.properties, type);
    const next = offset + limit < matches.length ? String(offset + limit) : undefined;
    return {
      status: 200,
      body: {
        total: matches.length,
        results: page.map((object) => view(object, properties)),
        ...(next ? { paging: { next: { after: next, link: `?after=${next}` } } } : {}),
      },
    };
  }

  private batchRead(request: RecordedRequest, rawType: string): EmulatorResponse {
    const type = objectType(rawType);
    if (!type) return this.notFound(request);
    const body = asRecord(request.body);
    const inputs = Array.isArray(body.inputs) ? body.inputs.map(asRecord) : [];
    if (!Array.isArray(body.propertiesWithHistory)) {
      return { status: 400, body: errorBody('VALIDATION_ERROR', 'Invalid input JSON: propertiesWithHistory is required.') };
    }
    if (inputs.length > 100) return { status: 400, body: errorBody('VALIDATION_ERROR', 'Batch input is limited to 100 objects.') };
    const properties = requestedProperties(body.properties, type);
    const found = inputs.map((input) => this.table(type).get(String(input.id))).filter((object): object is StoredObject => object !== undefined);
    const missing = inputs.map((input) => String(input.id)).filter((id) => !this.table(type).has(id));
    const now = new Date().toISOString();
    const result = { status: 'COMPLETE', results: found.map((object) => view(object, properties)), startedAt: now, completedAt: now };
    if (missing.length === 0) return { status: 200, body: result };
    return {
      status: 207,
      body: {
        ...result,
        numErrors: 1,
        errors: [{ status: 'error', category: 'OBJECT_NOT_FOUND', message: 'Could not get some objects, they may be deleted or not exist.', context: { ids: missing } }],
      },
    };
  }

  private create(request: RecordedRequest, rawType: string): EmulatorResponse {
    const type = objectType(rawType);
    if (!type) return this.notFound(request);
    const body = asRecord(request.body);
    const properties = stringProperties(body.properties);
    if ((type === 'notes' || type === 'tasks') && !properties.hs_timestamp) {
      return { status: 400, body: errorBody('VALIDATION_ERROR', 'Property values were not valid: hs_timestamp is required.') };
    }
    if (type === 'notes' && (properties.hs_note_body ?? '').length > 65_536) {
      return { status: 400, body: errorBody('VALIDATION_ERROR', 'Property values were not valid: hs_note_body is too long.') };
    }
    const associations: Array<[string, number]> = [];
    for (const association of Array.isArray(body.associations) ? body.associations.map(asRecord) : []) {
      const toId = String(asRecord(association.to).id);
      for (const spec of Array.isArray(association.types) ? association.types.map(asRecord) : []) {
        const typeId = Number(spec.associationTypeId);
        const definition = associationTypes[typeId];
        if (spec.associationCategory !== 'HUBSPOT_DEFINED' || !definition || definition[0] !== type || !this.table(definition[1]).has(toId)) {
          return { status: 400, body: errorBody('VALIDATION_ERROR', `Invalid association to ${toId} with type ${typeId}.`) };
        }
        associations.push([toId, typeId]);
      }
    }
    const created = this.store(type, properties);
    for (const [toId, typeId] of associations) this.associate(type, created.id, toId, typeId);
    return { status: 201, body: view(created, [...defaultProperties[type], ...Object.keys(properties)]) };
  }

  private read(request: RecordedRequest, rawType: string, id: string): EmulatorResponse {
    const type = objectType(rawType);
    const object = type ? this.table(type).get(id) : undefined;
    if (!type || !object) return { status: 404, body: errorBody('OBJECT_NOT_FOUND', 'resource not found') };
    return { status: 200, body: view(object, requestedProperties(queryList(request.query, 'properties'), type)) };
  }

  private update(request: RecordedRequest, rawType: string, id: string): EmulatorResponse {
    const type = objectType(rawType);
    const object = type ? this.table(type).get(id) : undefined;
    if (!type || !object) return { status: 404, body: errorBody('OBJECT_NOT_FOUND', 'resource not found') };
    const changes = stringProperties(asRecord(request.body).properties);
    if (type === 'deals') {
      const problem = this.dealProblem({ ...object.properties, ...changes });
      if (problem) return { status: 400, body: errorBody('VALIDATION_ERROR', `Property values were not valid: ${problem}`) };
    }
    Object.assign(object.properties, changes);
    object.updatedAt = new Date().toISOString();
    // Like HubSpot, the answer carries the default properties plus the ones just written.
    return { status: 200, body: view(object, [...defaultProperties[type], ...Object.keys(changes)]) };
  }

  private associationsPage(request: RecordedRequest, rawType: string, id: string, rawToType: string): EmulatorResponse {
    const type = objectType(rawType);
    const toType = objectType(rawToType);
    const object = type ? this.table(type).get(id) : undefined;
    if (!type || !toType || !object) return { status: 404, body: errorBody('OBJECT_NOT_FOUND', 'resource not found') };
    const all = [...(object.associations.get(toType)?.entries() ?? [])].sort(([a], [b]) => Number(a) - Number(b));
    const limit = Math.min(numberOr(request.query.get('limit'), 500), 500, this.maxPageSize);
    const offset = Number(request.query.get('after') ?? 0) || 0;
    const next = offset + limit < all.length ? String(offset + limit) : undefined;
    return {
      status: 200,
      body: {
        results: all.slice(offset, offset + limit).map(([toObjectId, typeId]) => ({
          toObjectId: Number(toObjectId),
          associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId, label: null }],
        })),
        ...(next ? { paging: { next: { after: next, link: `?after=${next}` } } } : {}),
      },
    };
  }

  private pipelinesOf(objectTypeName: string): EmulatorResponse {
    if (objectTypeName !== 'deals') return { status: 200, body: { results: [] } };
    const timestamp = '2024-01-01T00:00:00.000Z';
    return {
      status: 200,
      body: {
        results: this.pipelines.map((pipeline, pipelineIndex) => ({
          id: pipeline.id,
          label: pipeline.label,
          displayOrder: pipelineIndex,
          archived: false,
          createdAt: timestamp,
          updatedAt: timestamp,
          stages: pipeline.stages.map((stage, stageIndex) => ({
            id: stage.id,
            label: stage.label,
            displayOrder: stageIndex,
            archived: false,
            createdAt: timestamp,
            updatedAt: timestamp,
            writePermissions: 'CRM_PERMISSIONS_ENFORCEMENT',
            metadata: { isClosed: String(stage.isClosed), probability: String(stage.probability ?? (stage.isClosed ? 1 : 0.5)) },
          })),
        })),
      },
    };
  }

  // --- storage -------------------------------------------------------------------------

  private dealProblem(properties: Record<string, string | null>): string | undefined {
    const pipeline = this.pipelines.find((candidate) => candidate.id === (properties.pipeline ?? 'default'));
    if (!pipeline) return `${properties.pipeline} is not a valid pipeline`;
    if (properties.dealstage && !pipeline.stages.some((stage) => stage.id === properties.dealstage)) {
      return `${properties.dealstage} was not one of the allowed options for dealstage in pipeline ${pipeline.id}`;
    }
    if (properties.amount && Number.isNaN(Number(properties.amount))) return `${properties.amount} is not a valid number for amount`;
    return undefined;
  }

  private table(type: ObjectType): Map<string, StoredObject> {
    return this.objects.get(type)!;
  }

  private store(type: ObjectType, properties: Record<string, string | null>): StoredObject {
    const id = String(this.nextId++);
    const now = new Date().toISOString();
    const object: StoredObject = {
      id,
      properties: { ...properties, hs_object_id: id, createdate: now, hs_lastmodifieddate: now },
      createdAt: now,
      updatedAt: now,
      associations: new Map(),
    };
    this.table(type).set(id, object);
    return object;
  }

  private associate(fromType: ObjectType, fromId: string, toId: string, typeId: number): void {
    const [, toType, inverseTypeId] = associationTypes[typeId]!;
    const from = this.table(fromType).get(fromId)!;
    const to = this.table(toType).get(toId)!;
    link(from, toType, toId, typeId);
    link(to, fromType, fromId, inverseTypeId);
  }

  private associationView(object: StoredObject): Pick<HubSpotNoteView, 'companyIds' | 'dealIds' | 'contactIds' | 'associationTypeIds'> {
    const ids = (type: ObjectType) => [...(object.associations.get(type)?.keys() ?? [])];
    const typeIds = [...object.associations.values()].flatMap((targets) => [...targets.values()]);
    return { companyIds: ids('companies'), dealIds: ids('deals'), contactIds: ids('contacts'), associationTypeIds: typeIds.sort((a, b) => a - b) };
  }
}

function link(object: StoredObject, type: ObjectType, id: string, typeId: number): void {
  const targets = object.associations.get(type) ?? new Map<string, number>();
  targets.set(id, typeId);
  object.associations.set(type, targets);
}

function view(object: StoredObject, properties: string[]): Record<string, unknown> {
  const selected = new Set([...properties, 'hs_object_id', 'createdate', 'hs_lastmodifieddate']);
  return {
    id: object.id,
    properties: Object.fromEntries([...selected].map((name) => [name, object.properties[name] ?? null])),
    createdAt: object.createdAt,
    updatedAt: object.updatedAt,
    archived: false,
  };
}

function matchesFilterGroups(object: StoredObject, groups: Record<string, unknown>[]): boolean {
  if (groups.length === 0) return true;
  return groups.some((group) => (Array.isArray(group.filters) ? group.filters.map(asRecord) : []).every((filter) => matchesFilter(object, filter)));
}

function matchesFilter(object: StoredObject, filter: Record<string, unknown>): boolean {
  const actual = object.properties[String(filter.propertyName)] ?? null;
  const expected = typeof filter.value === 'string' ? filter.value : filter.value === undefined ? undefined : String(filter.value);
  switch (filter.operator) {
    case 'EQ':
      return actual !== null && expected !== undefined && actual.toLowerCase() === expected.toLowerCase();
    case 'NEQ':
      return actual === null || expected === undefined || actual.toLowerCase() !== expected.toLowerCase();
    case 'IN':
      return actual !== null && Array.isArray(filter.values) && filter.values.some((value) => String(value).toLowerCase() === actual.toLowerCase());
    case 'HAS_PROPERTY':
      return actual !== null && actual !== '';
    case 'NOT_HAS_PROPERTY':
      return actual === null || actual === '';
    case 'CONTAINS_TOKEN':
      return actual !== null && expected !== undefined && containsToken(actual, expected);
    default:
      throw new Error(`Unsupported filter operator ${String(filter.operator)} in this emulator.`);
  }
}

/** Token match on words; `*` in the value is a wildcard, as in HubSpot. */
function containsToken(actual: string, token: string): boolean {
  const pattern = new RegExp(`^${token.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return actual
    .toLowerCase()
    .split(/[^a-z0-9*@._-]+/)
    .some((word) => pattern.test(word));
}

function matchesQuery(object: StoredObject, query: unknown, type: ObjectType): boolean {
  if (typeof query !== 'string' || query.trim() === '') return true;
  const needle = query.trim().toLowerCase();
  return searchableProperties[type].some((name) => (object.properties[name] ?? '').toLowerCase().includes(needle));
}

function requestedProperties(value: unknown, type: ObjectType): string[] {
  const list = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : [];
  return list.length > 0 ? list : defaultProperties[type];
}

function queryList(query: URLSearchParams, name: string): string[] {
  return query.getAll(name).flatMap((value) => value.split(',')).filter(Boolean);
}

function stringProperties(value: unknown): Record<string, string | null> {
  return Object.fromEntries(
    Object.entries(asRecord(value)).map(([name, property]) => [name, property === null || property === undefined ? null : String(property)]),
  );
}

function objectType(value: string): ObjectType | undefined {
  return (objectTypes as readonly string[]).includes(value) ? (value as ObjectType) : undefined;
}

function numberOr(value: unknown, fallback: number): number {
  const number = Number(value);
  return Number.isFinite(number) && number > 0 ? number : fallback;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function bareDomain(website: string): string {
  return website
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/^www\./, '')
    .split(/[/?#:]/)[0]!;
}

function errorBody(category: string, message: string): Record<string, unknown> {
  return { status: 'error', message, correlationId: randomUUID(), category };
}

function oauthError(status: string, error: string, description: string): Record<string, unknown> {
  return { status, message: description, correlationId: randomUUID(), error, error_description: description };
}

/** HubSpot's 429 body (api-contracts.md §3); @hubspot/api-client branches on the message. */
function rateLimitBody(message: string, policyName: string) {
  return { status: 'error', message, errorType: 'RATE_LIMIT', correlationId: randomUUID(), policyName, groupName: 'publicapi:oauth:emulator' };
}

function burstHeaders(verdict: WindowVerdict): Record<string, string> {
  return {
    'x-hubspot-ratelimit-interval-milliseconds': String(burstWindowMs),
    'x-hubspot-ratelimit-max': String(verdict.limit),
    'x-hubspot-ratelimit-remaining': String(verdict.remaining),
  };
}

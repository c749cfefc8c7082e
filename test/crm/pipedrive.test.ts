import assert from 'node:assert/strict';
import type { CrmProviderSettings } from '../../clients/crm/crm-provider';
import { createPipedriveProvider } from '../../clients/crm/pipedrive-provider';
import { PipedriveEmulator } from '../../emulators/pipedrive-emulator';
import { RollingWindowLimit } from '../../emulators/rolling-window-limit';
import { describeCrmContract, rejectionOf, type CrmContractHarness } from './crm-contract';
import { MemoryCredentialSource } from './memory-credentials';

async function pipedriveHarness(): Promise<CrmContractHarness & { pipedrive: PipedriveEmulator }> {
  const pipedrive = new PipedriveEmulator();
  await pipedrive.start();
  const issued = pipedrive.issueTokens();
  const credentials = new MemoryCredentialSource({
    type: 'oauth',
    accessToken: issued.accessToken,
    refreshToken: issued.refreshToken,
    expiresAt: Date.now() + issued.expiresIn * 1000,
    instanceUrl: issued.apiDomain,
  });
  const createProvider = (overrides: Partial<CrmProviderSettings> = {}) =>
    createPipedriveProvider({ credentials, oauthClient: pipedrive.oauthClient, oauthBaseUrl: pipedrive.url, ...overrides });
  const optionalId = (id: number | null) => (id === null ? undefined : String(id));

  return {
    pipedrive,
    auth: 'oauth',
    emulator: pipedrive,
    credentials,
    provider: createProvider(),
    createProvider,
    apiPath: /^\/api\/v[12]\//,
    tokenPath: /^\/oauth\/token$/,
    // Pipedrive stages never close a deal; its won/lost status does.
    stages: { open: '1', otherOpen: '3' },
    missingAccountId: '999999',
    missingDealId: '999998',
    rateLimitSendsRetryAfter: true,
    seedAccount: (name, website) => String(pipedrive.addOrganization({ name, website })),
    seedDeal: ({ accountId, name, amount, stageId, closed }) =>
      String(pipedrive.addDeal({ title: name, orgId: Number(accountId), value: amount, stageId: stageId ? Number(stageId) : undefined, status: closed ? 'lost' : 'open' })),
    seedContact: ({ accountId, firstName, lastName, email }) => String(pipedrive.addPerson({ name: `${firstName} ${lastName}`, email, orgId: Number(accountId) })),
    seedNote: (accountId, text) => String(pipedrive.addNote({ orgId: Number(accountId), content: text })),
    notes: () => pipedrive.notes().map((note) => ({ id: String(note.id), accountId: optionalId(note.org_id), dealId: optionalId(note.deal_id), text: note.content })),
    tasks: () =>
      pipedrive.tasks().map((activity) => ({
        id: String(activity.id),
        accountId: optionalId(activity.org_id),
        dealId: optionalId(activity.deal_id),
        contactId: optionalId(activity.person_id),
        text: `${activity.subject}\n${activity.note ?? ''}`,
      })),
    deal: (id) => {
      const deal = pipedrive.deals().find((candidate) => String(candidate.id) === id)!;
      return { stageId: String(deal.stage_id), amount: deal.value };
    },
    lastDealUpdateFields: () => {
      const body = pipedrive.requestsTo('PATCH', /^\/api\/v2\/deals\//).at(-1)?.body as Record<string, unknown> | undefined;
      return Object.keys(body ?? {}).map((name) => ({ stage_id: 'stage', value: 'amount' })[name] ?? name);
    },
    setPageSize: (size) => {
      pipedrive.maxPageSize = size;
    },
    rateLimitNext: (times, retryAfterSeconds) => pipedrive.rateLimitNext(times, retryAfterSeconds),
    serverErrorNext: (times) => pipedrive.serverErrorNext(times),
    unauthorizedNext: (times) => pipedrive.unauthorizedNext(times),
    expireAccessTokens: () => pipedrive.expireAccessTokens(),
    revokeCredentials: () => {
      pipedrive.revokeRefreshToken();
      pipedrive.expireAccessTokens();
    },
    refreshCount: () => pipedrive.tokens.refreshCount,
    stop: () => pipedrive.stop(),
  };
}

describeCrmContract('Pipedrive', pipedriveHarness);

describe('Pipedrive provider specifics', function () {
  let h: Awaited<ReturnType<typeof pipedriveHarness>>;

  beforeEach(async function () {
    h = await pipedriveHarness();
  });

  afterEach(async function () {
    await h.stop();
  });

  it('emulator: refuses a token past its 2-second burst with 429 and x-ratelimit-* headers, searches at 10 whatever the plan', async function () {
    assert.deepEqual(
      [h.pipedrive.burstLimits.oauth.limit, h.pipedrive.burstLimits.apiToken.limit, h.pipedrive.burstLimits.search.limit],
      [80, 20, 10],
      'on by default at the Essential plan’s figures',
    );
    // Long windows, so a slow machine cannot spread the calls past them; the limits are Pipedrive's.
    h.pipedrive.burstLimits.apiToken = new RollingWindowLimit(20, 600_000);
    h.pipedrive.burstLimits.search = new RollingWindowLimit(10, 600_000);
    h.pipedrive.apiTokens.add('pd-burst-token');
    const get = (path: string) => fetch(`${h.pipedrive.url}${path}`, { headers: { 'x-api-token': 'pd-burst-token' } });
    for (let call = 0; call < 20; call += 1) assert.equal((await get('/api/v2/stages')).status, 200);
    const refused = await get('/api/v2/stages');
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('x-ratelimit-limit'), '20');
    assert.equal(refused.headers.get('x-ratelimit-remaining'), '0');
    assert.ok(Number(refused.headers.get('x-ratelimit-reset')) >= 1);
    assert.equal(((await refused.json()) as { success: boolean }).success, false);
    for (let call = 0; call < 10; call += 1) assert.equal((await get('/api/v2/organizations/search?term=acme')).status, 200);
    assert.equal((await get('/api/v2/organizations/search?term=acme')).status, 429, 'searches have their own, smaller window');
  });

  it('paces a burst of searches to Pipedrive’s search limit instead of being refused', async function () {
    h.seedAccount('Acme', 'acme.com');
    const results = await Promise.all(Array.from({ length: 8 }, () => h.provider.searchAccountsByName('Acme')));
    assert.ok(results.every((accounts) => accounts.length === 1));
    assert.equal(h.pipedrive.burstLimits.search.refused, 0);
  });

  it('saves the rotated refresh token and the api_domain of a refresh', async function () {
    const accountId = h.seedAccount('Acme', 'acme.com');
    const before = h.credentials.current;
    h.expireAccessTokens();

    await h.provider.getAccount(accountId);

    const saved = h.credentials.saved[0]!;
    assert.ok(saved.type === 'oauth' && before.type === 'oauth');
    assert.notEqual(saved.refreshToken, before.refreshToken);
    assert.equal(saved.instanceUrl, h.pipedrive.url);
    assert.ok(saved.expiresAt && saved.expiresAt > Date.now());
  });

  it('finds a domain in the organization’s built-in website field, not in its name or custom fields', async function () {
    const acme = h.seedAccount('Acme', 'https://acme.com');
    h.pipedrive.addOrganization({ name: 'acme.com fan page' });
    h.pipedrive.addOrganization({ name: 'Reseller', website: 'reseller.example', customFields: { '5f3c2a1b9d8e7f6a': 'acme.com' } });

    assert.deepEqual((await h.provider.searchAccountsByDomain('acme.com')).map((account) => account.id), [acme]);
    const list = h.pipedrive.requestsTo('GET', /^\/api\/v2\/organizations$/).at(-1)!;
    assert.equal(list.query.get('sort_by'), 'update_time', 'the most recently touched organizations are read first');
    assert.equal(h.pipedrive.requestsTo('GET', /^\/api\/v2\/organizations\/search$/).length, 0, 'the search cannot see websites');
  });

  it('schedules task due date and time in UTC, as Pipedrive stores them', async function () {
    const accountId = h.seedAccount('Acme', 'acme.com');

    await h.provider.createTask({ accountId, idempotencyKey: 'k:1', subject: 'Call', body: 'x', dueAt: '2026-03-09T00:30:00+01:00' });

    const [activity] = h.pipedrive.tasks();
    assert.equal(activity!.type, 'task');
    assert.equal(activity!.due_date, '2026-03-08');
    assert.equal(activity!.due_time, '23:30');
  });

  it('waits out the burst window (x-ratelimit-reset) when a 429 has no Retry-After', async function () {
    h.pipedrive.rateLimitNext(1);

    const error = await rejectionOf(h.provider.searchAccountsByName('Acme'));

    assert.equal(error.retryAfterMs, 2000);
  });

  it('works with an API token instead of OAuth', async function () {
    h.pipedrive.apiTokens.add('pd-api-token-123456');
    const accountId = h.seedAccount('Acme', 'acme.com');
    const provider = createPipedriveProvider({
      credentials: new MemoryCredentialSource({ type: 'apiKey', apiKey: 'pd-api-token-123456' }),
      apiBaseUrl: h.pipedrive.url,
      pipedriveCompanyDomain: 'acme',
    });

    const account = await provider.getAccount(accountId);

    assert.equal(account?.name, 'Acme');
    assert.equal(account?.url, `https://acme.pipedrive.com/organization/${accountId}`);
    assert.equal(h.pipedrive.requests.at(-1)!.headers['x-api-token'], 'pd-api-token-123456');
  });

  it('marks a won or lost deal closed whatever its stage', async function () {
    const accountId = h.seedAccount('Acme', 'acme.com');
    const won = String(h.pipedrive.addDeal({ title: 'Won', orgId: Number(accountId), stageId: 2, status: 'won' }));

    const [deal] = await h.provider.listDeals(accountId);

    assert.equal(deal!.id, won);
    assert.equal(deal!.isClosed, true);
    assert.deepEqual(await h.provider.listDeals(accountId, { openOnly: true }), []);
  });
});

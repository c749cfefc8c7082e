import assert from 'node:assert/strict';
import { createHubSpotProvider } from '../../clients/crm/hubspot-provider';
import type { CrmProviderSettings } from '../../clients/crm/crm-provider';
import { HubSpotEmulator } from '../../emulators/hubspot-emulator';
import { RollingWindowLimit } from '../../emulators/rolling-window-limit';
import { describeCrmContract, type CrmContractHarness } from './crm-contract';
import { MemoryCredentialSource } from './memory-credentials';

async function hubSpotHarness(): Promise<CrmContractHarness & { hubspot: HubSpotEmulator }> {
  const hubspot = new HubSpotEmulator();
  await hubspot.start();
  const issued = hubspot.issueTokens();
  const credentials = new MemoryCredentialSource({
    type: 'oauth',
    accessToken: issued.accessToken,
    refreshToken: issued.refreshToken,
    expiresAt: Date.now() + issued.expiresIn * 1000,
  });
  const createProvider = (overrides: Partial<CrmProviderSettings> = {}) =>
    createHubSpotProvider({ credentials, oauthClient: hubspot.oauthClient, apiBaseUrl: hubspot.url, hubspotPortalId: '4242', ...overrides });
  const dealPatches = () => hubspot.requestsTo('PATCH', /^\/crm\/v3\/objects\/deals\//);

  return {
    hubspot,
    auth: 'oauth',
    emulator: hubspot,
    credentials,
    provider: createProvider(),
    createProvider,
    apiPath: /^\/crm\//,
    tokenPath: /^\/oauth\/2026-03\/token$/,
    stages: { open: 'appointmentscheduled', otherOpen: 'presentationscheduled', closed: 'closedlost' },
    missingAccountId: '999999',
    missingDealId: '999998',
    rateLimitSendsRetryAfter: true,
    seedAccount: (name, website) => hubspot.addCompany({ name, website }),
    seedDeal: ({ accountId, name, amount, stageId, closed }) => hubspot.addDeal({ name, companyId: accountId, amount, stage: closed ? 'closedwon' : stageId }),
    seedContact: ({ accountId, firstName, lastName, email }) => hubspot.addContact({ firstname: firstName, lastname: lastName, email, companyId: accountId }),
    seedNote: (accountId, text) => hubspot.addNote({ companyId: accountId, body: text }),
    notes: () => hubspot.notes().map((note) => ({ id: note.id, accountId: note.companyIds[0], dealId: note.dealIds[0], text: note.body })),
    tasks: () =>
      hubspot.tasks().map((task) => ({ id: task.id, accountId: task.companyIds[0], dealId: task.dealIds[0], contactId: task.contactIds[0], text: `${task.subject}\n${task.body}` })),
    deal: (id) => {
      const deal = hubspot.deals().find((candidate) => candidate.id === id)!;
      return { stageId: deal.stage ?? '', amount: deal.amount === null ? null : Number(deal.amount) };
    },
    lastDealUpdateFields: () => {
      const properties = (dealPatches().at(-1)?.body as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
      return Object.keys(properties).map((name) => ({ dealstage: 'stage', amount: 'amount' })[name] ?? name);
    },
    setPageSize: (size) => {
      hubspot.maxPageSize = size;
    },
    rateLimitNext: (times, retryAfterSeconds) => hubspot.rateLimitNext(times, retryAfterSeconds),
    serverErrorNext: (times) => hubspot.serverErrorNext(times),
    unauthorizedNext: (times) => hubspot.unauthorizedNext(times),
    expireAccessTokens: () => hubspot.expireAccessTokens(),
    revokeCredentials: () => {
      hubspot.revokeRefreshToken();
      hubspot.expireAccessTokens();
    },
    refreshCount: () => hubspot.tokens.refreshCount,
    stop: () => hubspot.stop(),
  };
}

describeCrmContract('HubSpot', hubSpotHarness);

describe('HubSpot provider specifics', function () {
  let h: Awaited<ReturnType<typeof hubSpotHarness>>;

  beforeEach(async function () {
    h = await hubSpotHarness();
  });

  afterEach(async function () {
    await h.stop();
  });

  it('associates notes with HubSpot-defined types 190 (company) and 214 (deal), and writes escaped HTML', async function () {
    const companyId = h.seedAccount('Acme', 'acme.com');
    const dealId = h.seedDeal({ accountId: companyId, name: 'Deal', amount: 1 });

    await h.provider.createNote({ accountId: companyId, dealId, idempotencyKey: 'k:1', title: 'Q&A <recap>', body: 'a < b\nnext line', occurredAt: '2026-03-02T15:30:00Z' });

    const [note] = h.hubspot.notes();
    assert.deepEqual(note!.associationTypeIds, [190, 214]);
    assert.equal(note!.timestamp, '2026-03-02T15:30:00Z');
    assert.equal(note!.body, '<strong>Q&amp;A &lt;recap&gt;</strong><br><br>a &lt; b<br>next line<br><br>ref:k:1');
  });

  it('associates tasks with types 192 (company), 216 (deal) and 204 (contact)', async function () {
    const companyId = h.seedAccount('Acme', 'acme.com');
    const dealId = h.seedDeal({ accountId: companyId, name: 'Deal', amount: 1 });
    const contactId = h.seedContact({ accountId: companyId, firstName: 'Jane', lastName: 'Doe', email: 'jane@acme.com' });

    await h.provider.createTask({ accountId: companyId, dealId, contactId, idempotencyKey: 'k:2', subject: 'Call back', body: 'x', dueAt: '2026-03-09T09:00:00+01:00' });

    const [task] = h.hubspot.tasks();
    assert.deepEqual(task!.associationTypeIds, [192, 204, 216]);
    assert.equal(task!.status, 'NOT_STARTED');
  });

  it('links records to the portal when its id is known, and omits links otherwise', async function () {
    const companyId = h.seedAccount('Acme', 'acme.com');

    assert.equal((await h.provider.getAccount(companyId))?.url, `https://app.hubspot.com/contacts/4242/record/0-2/${companyId}`);
    assert.equal((await h.createProvider({ hubspotPortalId: undefined }).getAccount(companyId))?.url, undefined);
  });

  it('waits the ten-secondly window when a 429 names its policy but sends no Retry-After', async function () {
    h.hubspot.rateLimitNext(1);

    const error = await h.provider.searchAccountsByName('Acme').catch((caught: unknown) => caught);

    assert.equal((error as { retryAfterMs?: number }).retryAfterMs, 10_000);
  });

  it('emulator: refuses an account past 110 calls per 10 s with HubSpot’s 429 body and headers, counting each account apart', async function () {
    assert.deepEqual([h.hubspot.burstLimit.limit, h.hubspot.burstLimit.windowMs], [110, 10_000], 'on by default at HubSpot’s public-app limit');
    // A long window, so a slow machine cannot spread the calls past it; the limit is HubSpot's.
    h.hubspot.burstLimit = new RollingWindowLimit(110, 600_000);
    const companyId = h.seedAccount('Acme', 'acme.com');
    const get = (token: string) => fetch(`${h.hubspot.url}/crm/v3/objects/companies/${companyId}`, { headers: { authorization: `Bearer ${token}` } });
    const first = h.hubspot.issueTokens().accessToken;
    let last = await get(first);
    assert.equal(last.headers.get('x-hubspot-ratelimit-remaining'), '109');
    for (let call = 1; call < 110; call += 1) last = await get(first);
    assert.equal(last.status, 200);
    const refused = await get(first);
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('x-hubspot-ratelimit-max'), '110');
    assert.equal(refused.headers.get('x-hubspot-ratelimit-remaining'), '0');
    const body = (await refused.json()) as Record<string, unknown>;
    assert.equal(body.policyName, 'TEN_SECONDLY_ROLLING');
    assert.equal(body.message, 'You have reached your ten_secondly_rolling limit.');
    assert.equal(body.errorType, 'RATE_LIMIT');
    assert.equal((await get(h.hubspot.issueTokens().accessToken)).status, 200, 'another installed account has its own window');
  });

  it('emulator: refuses searches past 5 a second per token with the secondly-limit message and no rate-limit headers', async function () {
    h.hubspot.searchLimit = new RollingWindowLimit(5, 600_000);
    const token = h.hubspot.issueTokens().accessToken;
    const search = () =>
      fetch(`${h.hubspot.url}/crm/v3/objects/companies/search`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'Acme' }),
      });
    for (let call = 0; call < 5; call += 1) assert.equal((await search()).status, 200);
    const refused = await search();
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('x-hubspot-ratelimit-remaining'), null);
    assert.equal(((await refused.json()) as { message: string }).message, 'You have reached your secondly limit.');
  });

  it('paces a burst of searches to the search limit instead of being refused', async function () {
    h.seedAccount('Acme', 'acme.com');
    const results = await Promise.all(Array.from({ length: 5 }, () => h.provider.searchAccountsByName('Acme')));
    assert.ok(results.every((accounts) => accounts.length === 1));
    assert.equal(h.hubspot.searchLimit.refused, 0);
  });

  it('reads the closed flag of a deal from its pipeline stage metadata', async function () {
    h.hubspot.addPipeline({ id: 'renewals', label: 'Renewals', stages: [{ id: 'renewal-open', label: 'Open', isClosed: false }, { id: 'renewal-done', label: 'Renewed', isClosed: true }] });
    const companyId = h.seedAccount('Acme', 'acme.com');
    const dealId = h.hubspot.addDeal({ name: 'Renewal', companyId, pipeline: 'renewals', stage: 'renewal-done' });

    const [deal] = await h.provider.listDeals(companyId);

    assert.equal(deal!.id, dealId);
    assert.equal(deal!.isClosed, true);
    assert.equal(deal!.pipelineId, 'renewals');
    assert.equal(deal!.stageLabel, 'Renewed');
  });
});

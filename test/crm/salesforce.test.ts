import assert from 'node:assert/strict';
import type { CrmProviderSettings } from '../../clients/crm/crm-provider';
import { createSalesforceProvider } from '../../clients/crm/salesforce-provider';
import { SalesforceEmulator } from '../../emulators/salesforce-emulator';
import { describeCrmContract, rejectionOf, type CrmContractHarness } from './crm-contract';
import { MemoryCredentialSource } from './memory-credentials';

async function salesforceHarness(): Promise<CrmContractHarness & { salesforce: SalesforceEmulator }> {
  const salesforce = new SalesforceEmulator();
  await salesforce.start();
  const issued = salesforce.issueTokens();
  // Salesforce states no expiry: the session lasts as long as the org's timeout says.
  const credentials = new MemoryCredentialSource({ type: 'oauth', accessToken: issued.accessToken, refreshToken: issued.refreshToken, instanceUrl: issued.instanceUrl });
  const createProvider = (overrides: Partial<CrmProviderSettings> = {}) =>
    createSalesforceProvider({ credentials, oauthClient: salesforce.oauthClient, oauthBaseUrl: salesforce.url, ...overrides });
  const isOpportunity = (id: string | null) => (id?.startsWith('006') ? id : undefined);
  const taskView = (task: ReturnType<SalesforceEmulator['tasks']>[number]) => ({
    id: task.id,
    accountId: task.accountId ?? undefined,
    dealId: isOpportunity(task.whatId),
    contactId: task.whoId ?? undefined,
    text: `${task.subject ?? ''}\n${task.description ?? ''}`,
  });

  return {
    salesforce,
    auth: 'oauth',
    emulator: salesforce,
    credentials,
    provider: createProvider(),
    createProvider,
    apiPath: /^\/services\/data\//,
    tokenPath: /^\/services\/oauth2\/token$/,
    stages: { open: 'Prospecting', otherOpen: 'Proposal/Price Quote', closed: 'Closed Lost' },
    missingAccountId: '001EM9999999999AAA',
    missingDealId: '006EM9999999999AAA',
    rateLimitSendsRetryAfter: false,
    seedAccount: (name, website) => salesforce.addAccount({ name, website }),
    seedDeal: ({ accountId, name, amount, stageId, closed }) => salesforce.addOpportunity({ name, accountId, amount, stageName: closed ? 'Closed Won' : stageId }),
    seedContact: ({ accountId, firstName, lastName, email }) => salesforce.addContact({ firstName, lastName, email, accountId }),
    seedNote: (accountId, text) => salesforce.addTask({ whatId: accountId, subject: 'Logged call', description: text }),
    notes: () => salesforce.notes().map(taskView),
    tasks: () => salesforce.tasks().filter((task) => task.status !== 'Completed').map(taskView),
    deal: (id) => {
      const deal = salesforce.deals().find((candidate) => candidate.id === id)!;
      return { stageId: deal.stageName, amount: deal.amount };
    },
    lastDealUpdateFields: () => {
      const body = salesforce.requestsTo('PATCH', /\/sobjects\/Opportunity\//).at(-1)?.body as Record<string, unknown> | undefined;
      return Object.keys(body ?? {}).map((name) => ({ StageName: 'stage', Amount: 'amount' })[name] ?? name);
    },
    setPageSize: (size) => {
      salesforce.maxPageSize = size;
    },
    rateLimitNext: (times) => salesforce.rateLimitNext(times),
    serverErrorNext: (times) => salesforce.serverErrorNext(times),
    unauthorizedNext: (times) => salesforce.unauthorizedNext(times),
    expireAccessTokens: () => salesforce.expireAccessTokens(),
    revokeCredentials: () => {
      salesforce.revokeRefreshToken();
      salesforce.expireAccessTokens();
    },
    refreshCount: () => salesforce.tokens.refreshCount,
    stop: () => salesforce.stop(),
  };
}

describeCrmContract('Salesforce', salesforceHarness);

describe('Salesforce provider specifics', function () {
  let h: Awaited<ReturnType<typeof salesforceHarness>>;

  beforeEach(async function () {
    h = await salesforceHarness();
  });

  afterEach(async function () {
    await h.stop();
  });

  it('emulator: refuses every call past the org’s daily allocation with 403 REQUEST_LIMIT_EXCEEDED, which the provider treats as retryable', async function () {
    assert.equal(h.salesforce.dailyApiLimit, 15_000, 'on by default at Developer Edition’s allocation');
    const accountId = h.seedAccount('Acme', 'acme.com');
    h.salesforce.dailyApiLimit = 1;
    assert.equal((await h.provider.getAccount(accountId))?.name, 'Acme');
    const error = await rejectionOf(h.provider.getAccount(accountId));
    assert.equal(error.kind, 'retryable');
    assert.equal(error.status, 403);
    assert.match(error.detail ?? '', /REQUEST_LIMIT_EXCEEDED/);
  });

  it('escapes quotes and takes % and _ literally in SOQL LIKE searches', async function () {
    const obrien = h.seedAccount("O'Brien & Sons", 'obrien.example');
    const juice = h.seedAccount('100% Juice', 'juice.example');
    h.seedAccount('1000 Oranges', 'oranges.example');
    h.seedAccount('A_B Trading', 'ab.example');
    h.seedAccount('AXB Trading', 'axb.example');

    assert.deepEqual((await h.provider.searchAccountsByName("O'Brien")).map((account) => account.id), [obrien]);
    assert.deepEqual((await h.provider.searchAccountsByName('100%')).map((account) => account.id), [juice]);
    assert.deepEqual((await h.provider.searchAccountsByName('A_B')).map((account) => account.name), ['A_B Trading']);
    const soql = h.salesforce.requestsTo('GET', /\/query$/).map((request) => request.query.get('q') ?? '');
    assert.ok(soql.some((query) => query.includes("LIKE '%O\\'Brien%'")), soql.join('\n'));
  });

  it("logs a note as a completed Task on the opportunity, which rolls up to the account's timeline", async function () {
    const accountId = h.seedAccount('Acme', 'acme.com');
    const dealId = h.seedDeal({ accountId, name: 'Deal', amount: 1 });

    const note = await h.provider.createNote({ accountId, dealId, idempotencyKey: 'k:1', title: 'Discovery', body: 'Notes', occurredAt: '2026-03-02T15:30:00Z' });

    const [task] = h.salesforce.tasks();
    assert.equal(task!.id, note.id);
    assert.equal(task!.status, 'Completed');
    assert.equal(task!.whatId, dealId);
    assert.equal(task!.accountId, accountId);
    assert.equal(task!.activityDate, '2026-03-02');
    assert.equal(note.url, `${h.salesforce.url}/${note.id}`);
  });

  it("keeps the due date of a task on the rep's calendar day", async function () {
    const accountId = h.seedAccount('Acme', 'acme.com');

    await h.provider.createTask({ accountId, idempotencyKey: 'k:2', subject: 'Call', body: 'x', dueAt: '2026-03-09T00:30:00+01:00' });

    assert.equal(h.salesforce.tasks()[0]!.activityDate, '2026-03-09');
    assert.equal(h.salesforce.tasks()[0]!.status, 'Not Started');
  });

  it('rejects an id that is not a Salesforce id before it reaches a query', async function () {
    const requestsBefore = h.salesforce.requests.length;

    await assert.rejects(h.provider.listDeals("001' OR Name != '"), { kind: 'invalid' });
    assert.equal(await h.provider.getAccount('../sobjects/User'), null);
    assert.equal(h.salesforce.requests.length, requestsBefore);
  });

  it('keeps the instance URL the refresh answer names, and the refresh token it did not rotate', async function () {
    const accountId = h.seedAccount('Acme', 'acme.com');
    const before = h.credentials.current;
    h.expireAccessTokens();

    await h.provider.getAccount(accountId);

    const saved = h.credentials.saved[0]!;
    assert.ok(saved.type === 'oauth' && before.type === 'oauth');
    assert.equal(saved.instanceUrl, h.salesforce.url);
    assert.equal(saved.refreshToken, before.refreshToken);
    assert.equal(saved.expiresAt, undefined);
  });
});

import assert from 'node:assert/strict';
import { idempotencyMarker, type CrmProviderSettings } from '../../clients/crm/crm-provider';
import { createCronoProvider } from '../../clients/crm/crono-provider';
import { CronoEmulator } from '../../emulators/crono-emulator';
import { RollingWindowLimit } from '../../emulators/rolling-window-limit';
import { describeCrmContract, rejectionOf, type CrmContractHarness } from './crm-contract';
import { MemoryCredentialSource } from './memory-credentials';

async function cronoHarness(): Promise<CrmContractHarness & { crono: CronoEmulator }> {
  const crono = new CronoEmulator();
  await crono.start();
  const credentials = new MemoryCredentialSource({ type: 'apiKey', apiKey: crono.apiKey, apiSecret: crono.apiSecret });
  const createProvider = (overrides: Partial<CrmProviderSettings> = {}) => createCronoProvider({ credentials, apiBaseUrl: crono.url, ...overrides });

  return {
    crono,
    auth: 'apiKey',
    emulator: crono,
    credentials,
    provider: createProvider(),
    createProvider,
    apiPath: /^\/api\//,
    stages: { open: 'appointmentscheduled', otherOpen: 'presentationscheduled', closed: 'closedlost' },
    missingAccountId: '25995825_1',
    missingDealId: '25995825_2',
    rateLimitSendsRetryAfter: true,
    seedAccount: (name, website) => crono.addAccount({ name, website }),
    seedDeal: ({ accountId, name, amount, stageId, closed }) => crono.addOpportunity({ accountId, name, amount, stage: closed ? 'closedlost' : stageId }),
    seedContact: ({ accountId, firstName, lastName, email }) => crono.addProspect({ accountId, name: `${firstName} ${lastName}`, email }),
    seedNote: (accountId, text) => crono.addNote({ accountId, description: text }),
    notes: () => crono.notes().map((note) => ({ id: note.objectId, accountId: note.accountId, dealId: note.opportunityId ?? undefined, text: note.description })),
    tasks: () =>
      crono.tasks().map((task) => ({
        id: task.objectId,
        accountId: task.accountId,
        dealId: task.opportunityId ?? undefined,
        contactId: task.prospectId ?? undefined,
        text: `${task.subject}\n${task.description}`,
      })),
    deal: (id) => {
      const deal = crono.deals().find((candidate) => candidate.objectId === id)!;
      return { stageId: deal.stage, amount: deal.amount };
    },
    lastDealUpdateFields: () => {
      const data = (crono.requestsTo('PATCH', /^\/api\/v1\/Opportunities$/).at(-1)?.body as { data?: Record<string, unknown> } | undefined)?.data ?? {};
      return Object.keys(data)
        .filter((name) => name !== 'opportunityId')
        .map((name) => (name === 'stage' || name === 'amount' ? name : `unexpected:${name}`));
    },
    setPageSize: (size) => {
      crono.maxPageSize = size;
    },
    rateLimitNext: (times, retryAfterSeconds) => crono.rateLimitNext(times, retryAfterSeconds),
    serverErrorNext: (times) => crono.serverErrorNext(times),
    unauthorizedNext: (times) => crono.unauthorizedNext(times),
    expireAccessTokens: () => {
      throw new Error('Crono uses an API key pair; it has no access tokens to expire');
    },
    revokeCredentials: () => crono.revokeApiKey(),
    refreshCount: () => 0,
    stop: () => crono.stop(),
  };
}

describeCrmContract('Crono', cronoHarness);

describe('Crono provider specifics', function () {
  let h: Awaited<ReturnType<typeof cronoHarness>>;

  beforeEach(async function () {
    h = await cronoHarness();
  });

  afterEach(async function () {
    await h.stop();
  });

  it('emulator: refuses a key past its (assumed) per-minute limit with 429, Retry-After and Crono’s envelope', async function () {
    assert.deepEqual([h.crono.rateLimit.limit, h.crono.rateLimit.windowMs], [60, 60_000], 'on by default at the limit the client keeps to');
    h.crono.rateLimit = new RollingWindowLimit(1, 600_000);
    const accountId = h.seedAccount('Acme', 'acme.com');
    assert.equal((await h.provider.getAccount(accountId))?.name, 'Acme');
    const error = await rejectionOf(h.createProvider().getAccount(accountId));
    assert.equal(error.kind, 'retryable');
    assert.equal(error.status, 429);
    assert.ok((error.retryAfterMs ?? 0) > 0);
  });

  it('sends the key pair and the documented note body', async function () {
    const accountId = h.seedAccount('Acme', 'acme.com');
    const dealId = h.seedDeal({ accountId, name: 'Deal', amount: 1, stageId: h.stages.open });

    await h.provider.createNote({ accountId, dealId, idempotencyKey: 'k:1', title: 'Recap', body: 'Plain text', occurredAt: '2026-03-02T15:30:00Z' });

    const request = h.crono.requestsTo('POST', /^\/api\/v1\/Notes$/)[0]!;
    assert.equal(request.headers['x-api-key'], h.crono.apiKey);
    assert.equal(request.headers['x-api-secret'], h.crono.apiSecret);
    assert.deepEqual(request.body, { data: { accountId, description: 'Recap\n\nPlain text\n\nref:k:1', opportunityId: dealId, prospectIds: [] } });
  });

  it('turns isSuccess: false on an HTTP 200 into an invalid error carrying Crono’s message', async function () {
    const accountId = h.seedAccount('Acme', 'acme.com');
    h.crono.rejectNext(1, 'Data required');

    const error = await rejectionOf(h.provider.createNote({ accountId, idempotencyKey: 'k:2', title: 'T', body: 'B', occurredAt: '2026-03-02T15:30:00Z' }));

    assert.equal(error.kind, 'invalid');
    assert.equal(error.status, 200);
    assert.match(error.userMessage, /Data required/);
    assert.equal(h.crono.notes().length, 0);
  });

  it('reads PascalCase answers as well as camelCase ones', async function () {
    h.crono.injectFault({
      method: 'GET',
      path: /^\/api\/v1\/Accounts$/,
      times: 1,
      fault: { status: 200, body: { Data: [{ ObjectId: '25995825_77', Name: 'Acme', Website: 'https://www.acme.com' }], IsSuccess: true, Errors: [], TotalCount: 1 } },
    });

    assert.deepEqual(await h.provider.searchAccountsByDomain('acme.com'), [
      { id: '25995825_77', name: 'Acme', domain: 'acme.com', url: 'https://app.crono.one/accounts/25995825_77' },
    ]);
  });

  it('uses the marker as the note id when Crono cannot list the new note yet, and finds the real id later', async function () {
    const accountId = h.seedAccount('Acme', 'acme.com');
    h.crono.injectFault({ method: 'POST', path: /^\/api\/v1\/Notes\/search$/, times: 1, fault: { status: 200, body: { data: [], isSuccess: true, errors: [], totalCount: 0 } } });

    const note = await h.provider.createNote({ accountId, idempotencyKey: 'k:3', title: 'T', body: 'B', occurredAt: '2026-03-02T15:30:00Z' });

    assert.equal(note.id, idempotencyMarker('k:3'));
    assert.equal((await h.provider.findNoteByKey(accountId, 'k:3'))?.id, h.crono.notes()[0]!.objectId);
  });

  it('stops the domain scan after a bounded number of account pages', async function () {
    h.setPageSize(1);
    for (let index = 0; index < 30; index += 1) h.seedAccount(`Filler ${index}`, `filler-${index}.example`);

    assert.deepEqual(await h.provider.searchAccountsByDomain('absent.example'), []);
    assert.equal(h.crono.requestsTo('GET', /^\/api\/v1\/Accounts$/).length, 25);
  });

  it('matches a contact by email on this side, since prospect search filters by name only', async function () {
    const accountId = h.seedAccount('Acme', 'acme.com');
    const jane = h.seedContact({ accountId, firstName: 'Jane', lastName: 'Doe', email: 'jane.doe@acme.com' });
    h.seedContact({ accountId, firstName: 'John', lastName: 'Smith', email: 'john@acme.com' });

    assert.deepEqual((await h.provider.searchContacts('jane.doe@acme.com', { accountId })).map((contact) => contact.id), [jane]);
  });

  it('derives the stage list from the stages its deals use', async function () {
    const accountId = h.seedAccount('Acme', 'acme.com');
    h.seedDeal({ accountId, name: 'Won', amount: 1, stageId: 'closedwon' });

    assert.deepEqual(await h.provider.listDealStages(), [{ id: 'closedwon', label: 'closedwon', pipelineId: 'default', isClosed: true }]);
  });
});

import assert from 'node:assert/strict';
import { idempotencyMarker, type CrmProvider, type CrmProviderSettings } from '../../clients/crm/crm-provider';
import { ExternalServiceError } from '../../domain/service-errors';
import type { HttpEmulator } from '../../emulators/http-emulator';
import type { MemoryCredentialSource } from './memory-credentials';

/** What a record looks like to the contract, whatever the CRM calls its fields. */
export interface RecordView {
  id: string;
  accountId?: string;
  dealId?: string;
  contactId?: string;
  /** Everything written: title/subject and body, as stored (plain text or HTML). */
  text: string;
}

/**
 * One CRM and its emulator behind a uniform face, so the same cases run for every provider.
 * `setup` builds a fresh emulator and provider per test.
 */
export interface CrmContractHarness {
  readonly auth: 'oauth' | 'apiKey';
  readonly emulator: HttpEmulator;
  readonly credentials: MemoryCredentialSource;
  readonly provider: CrmProvider;
  /** Another provider over the same emulator and credentials (a retry in a new worker, other settings). */
  createProvider(overrides?: Partial<CrmProviderSettings>): CrmProvider;
  /** Paths of API calls and (OAuth) of the token endpoint. */
  readonly apiPath: RegExp;
  readonly tokenPath?: RegExp;
  /** Two open stages of one pipeline, and a closed stage where the CRM has closed stages. */
  readonly stages: { open: string; otherOpen: string; closed?: string };
  /** Ids well-formed for the CRM that no record has. */
  readonly missingAccountId: string;
  readonly missingDealId: string;
  /** Whether the CRM's own rate-limit answer carries Retry-After (Salesforce's 403 does not). */
  readonly rateLimitSendsRetryAfter: boolean;

  seedAccount(name: string, website: string): string;
  /** A deal in `stageId`, or a closed one (closed stage or won/lost status) when `closed`. */
  seedDeal(input: { accountId: string; name: string; amount: number; stageId?: string; closed?: boolean }): string;
  seedContact(input: { accountId: string; firstName: string; lastName: string; email: string }): string;
  /** A note someone else wrote on the account. */
  seedNote(accountId: string, text: string): string;

  notes(): RecordView[];
  tasks(): RecordView[];
  deal(id: string): { stageId: string; amount: number | null };
  /** Which deal fields ('stage', 'amount') the last deal update request carried. */
  lastDealUpdateFields(): string[];

  setPageSize(size: number): void;
  rateLimitNext(times: number, retryAfterSeconds: number): void;
  serverErrorNext(times: number): void;
  unauthorizedNext(times: number): void;
  /** OAuth: every access token stops working. */
  expireAccessTokens(): void;
  /** OAuth: refresh tokens revoked and access tokens expired; API key: the key pair revoked. */
  revokeCredentials(): void;
  refreshCount(): number;
  stop(): Promise<void>;
}

const occurredAt = '2026-03-02T15:30:00.000Z';
const dueAt = '2026-03-09T09:00:00+01:00';

export function describeCrmContract(name: string, setup: () => Promise<CrmContractHarness>): void {
  describe(`${name} CRM provider contract`, function () {
    let h: CrmContractHarness;

    beforeEach(async function () {
      h = await setup();
    });

    afterEach(async function () {
      await h.stop();
    });

    describe('accounts', function () {
      it('finds every account on a domain, whatever the scheme, www or case of the website, and no look-alikes', async function () {
        const main = h.seedAccount('Acme', 'https://www.Acme.com/about');
        const sibling = h.seedAccount('Acme Europe', 'acme.com');
        h.seedAccount('Acme Australia', 'https://acme.com.au');
        h.seedAccount('Not Acme', 'notacme.com');
        h.seedAccount('Acme Colombia', 'http://acme.co');

        const found = await h.provider.searchAccountsByDomain('ACME.com');

        assert.deepEqual(found.map((account) => account.id).sort(), [main, sibling].sort());
        for (const account of found) assert.equal(account.domain, 'acme.com');
        assert.deepEqual(found.map((account) => account.name).sort(), ['Acme', 'Acme Europe']);
      });

      it('treats a free-mail domain like any other: exactly the accounts that have it', async function () {
        const fans = h.seedAccount('Gmail Fan Club', 'https://gmail.com');
        h.seedAccount('Acme', 'acme.com');

        assert.deepEqual((await h.provider.searchAccountsByDomain('gmail.com')).map((account) => account.id), [fans]);
        assert.deepEqual(await h.provider.searchAccountsByDomain('yahoo.com'), []);
      });

      it('pages through more matching accounts than one page holds', async function () {
        const websites = ['paged-example.com', 'https://www.paged-example.com/'];
        const expected = Array.from({ length: 8 }, (_, index) => h.seedAccount(`Paged ${index}`, websites[index % 2]!));
        for (let index = 0; index < 4; index += 1) h.seedAccount(`Other ${index}`, 'other-example.com');
        h.setPageSize(3);

        const found = await h.provider.searchAccountsByDomain('paged-example.com');

        assert.deepEqual(found.map((account) => account.id).sort(), [...expected].sort());
      });

      it('searches accounts by name', async function () {
        const globex = h.seedAccount('Globex Corporation', 'globex.com');
        const initech = h.seedAccount('Initech', 'initech.com');

        const ids = (await h.provider.searchAccountsByName('Globex', 5)).map((account) => account.id);

        assert.ok(ids.includes(globex));
        assert.ok(!ids.includes(initech));
      });

      it('reads one account, and null for an id no account has', async function () {
        const id = h.seedAccount('Umbrella', 'https://www.umbrella.example');

        const account = await h.provider.getAccount(id);

        assert.equal(account?.id, id);
        assert.equal(account?.name, 'Umbrella');
        assert.equal(await h.provider.getAccount(h.missingAccountId), null);
      });
    });

    describe('notes', function () {
      it('creates a note on the account and on the deal', async function () {
        const accountId = h.seedAccount('Acme', 'acme.com');
        const dealId = h.seedDeal({ accountId, name: 'Acme renewal', amount: 1000, stageId: h.stages.open });
        assert.ok(h.provider.capabilities.has('notes') && h.provider.capabilities.has('noteOnDeal'));

        const note = await h.provider.createNote({
          accountId,
          dealId,
          idempotencyKey: 'meeting:t1:rec1:log-note',
          title: 'Discovery call with Acme',
          body: 'Pain: manual CRM updates\nNext: send proposal by Friday',
          occurredAt,
        });

        const stored = h.notes();
        assert.equal(stored.length, 1);
        assert.equal(stored[0]!.id, note.id);
        assert.equal(stored[0]!.accountId, accountId);
        assert.equal(stored[0]!.dealId, dealId);
        for (const fragment of ['Discovery call with Acme', 'manual CRM updates', 'send proposal by Friday', idempotencyMarker('meeting:t1:rec1:log-note')]) {
          assert.ok(stored[0]!.text.includes(fragment), `note text lacks "${fragment}": ${stored[0]!.text}`);
        }
      });

      it('finds the note an earlier attempt created, so a guarded retry writes no duplicate', async function () {
        const accountId = h.seedAccount('Acme', 'acme.com');
        const key = 'meeting:t1:rec2:log-note';
        const input = { accountId, idempotencyKey: key, title: 'Demo', body: 'Went well', occurredAt };
        assert.equal(await h.provider.findNoteByKey(accountId, key), null);
        const created = await h.provider.createNote(input);

        // The retry runs in another worker after the first attempt's answer was lost.
        const retry = h.createProvider();
        const existing = await retry.findNoteByKey(accountId, key);
        if (!existing) await retry.createNote(input);

        assert.equal(existing?.id, created.id);
        assert.equal(h.notes().filter((note) => note.text.includes(idempotencyMarker(key))).length, 1);
      });

      it('finds its note among more notes than one page, ignoring keys that only start with its key', async function () {
        const accountId = h.seedAccount('Acme', 'acme.com');
        const key = 'meeting:t1:rec3:log-note';
        const decoys = [0, 1, 2, 3].map((index) => h.seedNote(accountId, `Earlier follow-up ${index}\n\n${idempotencyMarker(`${key}-${index}`)}`));
        const created = await h.provider.createNote({ accountId, idempotencyKey: key, title: 'QBR', body: 'Renewal likely', occurredAt });
        for (let index = 4; index < 8; index += 1) decoys.push(h.seedNote(accountId, `Later note ${index}\n\n${idempotencyMarker(`${key}-${index}`)}`));
        h.setPageSize(3);

        assert.equal((await h.provider.findNoteByKey(accountId, key))?.id, created.id);
        assert.equal((await h.provider.findNoteByKey(accountId, `${key}-1`))?.id, decoys[1]);
        assert.equal(await h.provider.findNoteByKey(accountId, 'meeting:t1:never-written'), null);
      });
    });

    describe('deals', function () {
      it("lists an account's deals, and only the open ones when asked", async function () {
        const accountId = h.seedAccount('Acme', 'acme.com');
        const otherAccount = h.seedAccount('Globex', 'globex.com');
        const open = h.seedDeal({ accountId, name: 'Expansion', amount: 1000, stageId: h.stages.open });
        const closed = h.seedDeal({ accountId, name: 'Pilot', amount: 500, closed: true });
        h.seedDeal({ accountId: otherAccount, name: 'Elsewhere', amount: 5, stageId: h.stages.open });

        const all = await h.provider.listDeals(accountId);
        const openOnly = await h.provider.listDeals(accountId, { openOnly: true });

        assert.deepEqual(all.map((deal) => deal.id).sort(), [open, closed].sort());
        assert.deepEqual(openOnly.map((deal) => deal.id), [open]);
        const expansion = all.find((deal) => deal.id === open)!;
        assert.equal(expansion.isClosed, false);
        assert.equal(expansion.amount, 1000);
        assert.equal(expansion.stageId, h.stages.open);
        assert.equal(expansion.name, 'Expansion');
        assert.equal(all.find((deal) => deal.id === closed)!.isClosed, true);
      });

      it('pages through more deals than one page holds', async function () {
        const accountId = h.seedAccount('Acme', 'acme.com');
        const expected = Array.from({ length: 7 }, (_, index) => h.seedDeal({ accountId, name: `Deal ${index}`, amount: index, stageId: h.stages.open }));
        h.setPageSize(3);

        assert.deepEqual((await h.provider.listDeals(accountId)).map((deal) => deal.id).sort(), [...expected].sort());
      });

      it('lists the pipeline stages with their closed flags', async function () {
        const accountId = h.seedAccount('Acme', 'acme.com');
        h.seedDeal({ accountId, name: 'A', amount: 1, stageId: h.stages.open });
        h.seedDeal({ accountId, name: 'B', amount: 1, stageId: h.stages.otherOpen });
        if (h.stages.closed) h.seedDeal({ accountId, name: 'C', amount: 1, stageId: h.stages.closed });

        const stages = await h.provider.listDealStages();

        const byId = (id: string) => stages.find((stage) => stage.id === id);
        assert.equal(byId(h.stages.open)?.isClosed, false);
        assert.equal(byId(h.stages.otherOpen)?.isClosed, false);
        assert.equal(byId(h.stages.open)?.pipelineId, byId(h.stages.otherOpen)?.pipelineId);
        if (h.stages.closed) assert.equal(byId(h.stages.closed)?.isClosed, true);
        for (const stage of stages) assert.ok(stage.label && stage.pipelineId, `stage ${stage.id} lacks label or pipeline`);
      });

      it('changes only the stage: nothing else is sent and the amount stays', async function () {
        const accountId = h.seedAccount('Acme', 'acme.com');
        const dealId = h.seedDeal({ accountId, name: 'Expansion', amount: 1000, stageId: h.stages.open });

        const updated = await h.provider.updateDeal({ dealId, stageId: h.stages.otherOpen });

        assert.deepEqual(h.lastDealUpdateFields(), ['stage']);
        assert.deepEqual(h.deal(dealId), { stageId: h.stages.otherOpen, amount: 1000 });
        assert.equal(updated.stageId, h.stages.otherOpen);
        assert.equal(updated.amount, 1000);
      });

      it('changes only the amount when only the amount is given', async function () {
        const accountId = h.seedAccount('Acme', 'acme.com');
        const dealId = h.seedDeal({ accountId, name: 'Expansion', amount: 1000, stageId: h.stages.open });

        const updated = await h.provider.updateDeal({ dealId, amount: 2500 });

        assert.deepEqual(h.lastDealUpdateFields(), ['amount']);
        assert.deepEqual(h.deal(dealId), { stageId: h.stages.open, amount: 2500 });
        assert.equal(updated.amount, 2500);
      });

      it('rejects a stage the CRM does not know as invalid, leaving the deal as it was', async function () {
        const accountId = h.seedAccount('Acme', 'acme.com');
        const dealId = h.seedDeal({ accountId, name: 'Expansion', amount: 1000, stageId: h.stages.open });

        const error = await rejectionOf(h.provider.updateDeal({ dealId, stageId: '9999999' }));

        assert.equal(error.kind, 'invalid');
        assert.equal(error.retryable, false);
        assert.deepEqual(h.deal(dealId), { stageId: h.stages.open, amount: 1000 });
      });

      it('reports a deal that does not exist as not-found', async function () {
        const error = await rejectionOf(h.provider.updateDeal({ dealId: h.missingDealId, stageId: h.stages.otherOpen }));

        assert.equal(error.kind, 'not-found');
      });
    });

    describe('contacts', function () {
      it('searches contacts by name, within one account when asked', async function () {
        const acme = h.seedAccount('Acme', 'acme.com');
        const globex = h.seedAccount('Globex', 'globex.com');
        const jane = h.seedContact({ accountId: acme, firstName: 'Jane', lastName: 'Doe', email: 'jane.doe@acme.com' });
        const otherJane = h.seedContact({ accountId: globex, firstName: 'Jane', lastName: 'Roe', email: 'jane.roe@globex.com' });
        h.seedContact({ accountId: acme, firstName: 'John', lastName: 'Smith', email: 'john@acme.com' });
        assert.ok(h.provider.capabilities.has('contacts'));

        const inAcme = await h.provider.searchContacts('Jane', { accountId: acme });
        const everywhere = await h.provider.searchContacts('Jane');

        assert.deepEqual(inAcme.map((contact) => contact.id), [jane]);
        assert.equal(inAcme[0]!.email, 'jane.doe@acme.com');
        assert.equal(inAcme[0]!.accountId, acme);
        assert.match(inAcme[0]!.name, /Jane/);
        assert.deepEqual(everywhere.map((contact) => contact.id).sort(), [jane, otherJane].sort());
      });
    });

    describe('tasks', function () {
      it('creates a task, finds it by key, and a guarded retry writes no duplicate', async function () {
        const accountId = h.seedAccount('Acme', 'acme.com');
        const dealId = h.seedDeal({ accountId, name: 'Expansion', amount: 1000, stageId: h.stages.open });
        const contactId = h.seedContact({ accountId, firstName: 'Jane', lastName: 'Doe', email: 'jane@acme.com' });
        const key = 'meeting:t1:rec4:task';
        const input = { accountId, dealId, contactId, idempotencyKey: key, subject: 'Send the proposal', body: 'Include pricing tiers', dueAt };
        assert.ok(h.provider.capabilities.has('tasks'));
        assert.equal(await h.provider.findTaskByKey(accountId, key), null);

        const task = await h.provider.createTask(input);
        const retry = h.createProvider();
        const existing = await retry.findTaskByKey(accountId, key);
        if (!existing) await retry.createTask(input);

        assert.equal(existing?.id, task.id);
        const stored = h.tasks();
        assert.equal(stored.length, 1);
        assert.equal(stored[0]!.accountId, accountId);
        for (const fragment of ['Send the proposal', 'Include pricing tiers', idempotencyMarker(key)]) {
          assert.ok(stored[0]!.text.includes(fragment), `task text lacks "${fragment}": ${stored[0]!.text}`);
        }
      });
    });

    describe('failures', function () {
      it("treats the CRM's own rate limit as retryable, with the wait it asks for", async function () {
        const accountId = h.seedAccount('Acme', 'acme.com');
        h.rateLimitNext(1, 7);

        const error = await rejectionOf(h.provider.listDeals(accountId));

        assert.equal(error.kind, 'retryable');
        assert.equal(error.retryAfterMs, h.rateLimitSendsRetryAfter ? 7000 : undefined);
        assert.ok(error.userMessage.length > 0);
      });

      it('treats any 429 with Retry-After as retryable with exactly that wait', async function () {
        h.emulator.injectFault({ path: h.apiPath, times: 1, fault: { status: 429, headers: { 'retry-after': '7' }, body: { message: 'Too Many Requests' } } });
        const requestsBefore = h.emulator.requests.length;

        const error = await rejectionOf(h.provider.searchAccountsByDomain('acme.com'));

        assert.equal(h.emulator.requests.length - requestsBefore, 1, 'the client library must not retry on its own');
        assert.equal(error.kind, 'retryable');
        assert.equal(error.status, 429);
        assert.equal(error.retryAfterMs, 7000);
      });

      it('treats a 500 as retryable, and the next call works', async function () {
        const accountId = h.seedAccount('Acme', 'acme.com');
        h.serverErrorNext(1);
        const requestsBefore = h.emulator.requests.length;

        const error = await rejectionOf(h.provider.getAccount(accountId));

        assert.equal(error.kind, 'retryable');
        assert.equal(error.status, 500);
        assert.equal(h.emulator.requests.length - requestsBefore, 1, 'the client library must not retry on its own');
        assert.equal((await h.provider.getAccount(accountId))?.id, accountId);
      });

      it('treats an answer slower than the request timeout as retryable', async function () {
        const provider = h.createProvider({ requestTimeoutMs: 150 });
        h.emulator.latencyMs = 1000;

        const error = await rejectionOf(provider.searchAccountsByName('Acme'));

        h.emulator.latencyMs = 0;
        assert.equal(error.kind, 'retryable');
      });

      it('treats a dropped connection as retryable', async function () {
        h.emulator.injectFault({ path: h.apiPath, times: 1, fault: { status: 200, destroySocket: true } });

        const error = await rejectionOf(h.provider.searchAccountsByName('Acme'));

        assert.equal(error.kind, 'retryable');
      });
    });

    describe('credentials', function () {
      it('heals a 401 with one saved token refresh (OAuth), or asks to reconnect (API key)', async function () {
        const accountId = h.seedAccount('Acme', 'acme.com');
        if (h.auth === 'apiKey') {
          h.unauthorizedNext(1);
          const error = await rejectionOf(h.provider.getAccount(accountId));
          assert.equal(error.kind, 'reconnect');
          assert.equal(h.credentials.saved.length, 0);
          return;
        }
        const before = h.credentials.current;
        h.expireAccessTokens();

        const account = await h.provider.getAccount(accountId);

        assert.equal(account?.id, accountId);
        assert.equal(h.refreshCount(), 1);
        assert.equal(h.credentials.saved.length, 1);
        const saved = h.credentials.saved[0]!;
        assert.equal(saved.type, 'oauth');
        assert.ok(saved.type === 'oauth' && before.type === 'oauth' && saved.accessToken !== before.accessToken);
        assert.ok(saved.type === 'oauth' && saved.refreshToken);
        // The next call uses the saved token without refreshing again.
        await h.provider.listDeals(accountId);
        assert.equal(h.refreshCount(), 1);
      });

      it('refreshes before calling when the stored token is past its expiry', async function () {
        if (h.auth !== 'oauth' || h.credentials.current.type !== 'oauth') return this.skip();
        const accountId = h.seedAccount('Acme', 'acme.com');
        h.credentials.current = { ...h.credentials.current, expiresAt: Date.now() - 1000 };
        const provider = h.createProvider();
        h.expireAccessTokens();
        const requestsBefore = h.emulator.requests.length;

        assert.equal((await provider.getAccount(accountId))?.id, accountId);

        assert.equal(h.refreshCount(), 1);
        const calls = h.emulator.requests.slice(requestsBefore);
        assert.ok(h.tokenPath?.test(calls[0]!.path), `first request should be the refresh, was ${calls[0]!.path}`);
        assert.equal(calls.filter((call) => h.apiPath.test(call.path)).length, 1, 'the API is called once, with the fresh token');
      });

      it('asks to reconnect when the credentials are revoked, without retrying and without leaking a secret', async function () {
        const accountId = h.seedAccount('Acme', 'acme.com');
        h.revokeCredentials();

        const error = await rejectionOf(h.provider.getAccount(accountId));

        assert.equal(error.kind, 'reconnect');
        assert.equal(error.retryable, false);
        assert.match(error.userMessage, /reconnect/i);
        for (const secret of h.credentials.secrets()) {
          for (const text of [error.message, error.userMessage, error.detail ?? '']) assert.ok(!text.includes(secret), 'a credential leaked into the error');
        }
      });

      it('asks to reconnect when the CRM still answers 401 right after a refresh', async function () {
        if (h.auth !== 'oauth') return this.skip();
        const accountId = h.seedAccount('Acme', 'acme.com');
        h.unauthorizedNext(2);

        const error = await rejectionOf(h.provider.getAccount(accountId));

        assert.equal(error.kind, 'reconnect');
        assert.equal(h.refreshCount(), 1);
      });

      it('keeps a token endpoint outage retryable instead of asking to reconnect', async function () {
        if (h.auth !== 'oauth' || !h.tokenPath) return this.skip();
        const accountId = h.seedAccount('Acme', 'acme.com');
        h.expireAccessTokens();
        h.emulator.injectFault({ method: 'POST', path: h.tokenPath, times: 1, fault: { status: 503, body: 'Service Unavailable' } });

        const error = await rejectionOf(h.provider.getAccount(accountId));

        assert.equal(error.kind, 'retryable');
        assert.equal(h.credentials.saved.length, 0);
      });
    });
  });
}

/** The ExternalServiceError a call rejects with; fails the test on success or any other error. */
export async function rejectionOf(promise: Promise<unknown>): Promise<ExternalServiceError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ExternalServiceError, `expected an ExternalServiceError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { CrmProvider } from '../../../clients/crm/crm-provider';
import { createCronoProvider } from '../../../clients/crm/crono-provider';
import { createHubSpotProvider } from '../../../clients/crm/hubspot-provider';
import { createPipedriveProvider } from '../../../clients/crm/pipedrive-provider';
import type { RateLimitStore } from '../../../clients/rate-limit-store';
import { CronoEmulator } from '../../../emulators/crono-emulator';
import type { HttpEmulator, RecordedRequest } from '../../../emulators/http-emulator';
import { HubSpotEmulator } from '../../../emulators/hubspot-emulator';
import { PipedriveEmulator } from '../../../emulators/pipedrive-emulator';
import { RollingWindowLimit } from '../../../emulators/rolling-window-limit';
import { MemoryCredentialSource } from '../../crm/memory-credentials';
import { hostileText, wellFormed } from './hostile-text';

/**
 * What a rep types into an account or contact picker goes to the CRM's search as data: whatever the
 * text (quotes, operators, `&`, `=`, `#`, CR/LF, lone surrogates), the request carries it as exactly
 * one literal value (a JSON string, or one encoded query parameter), the filters the provider
 * means stay exactly those, and the emulator, which answers as the CRM does, takes the search.
 * Text that is well-formed UTF-16 arrives unchanged; a lone surrogate, which UTF-8 cannot carry,
 * arrives as U+FFFD, as it would over the wire to the real API.
 */
describe('CRM search filters built from typed text (property)', function () {
  this.timeout(120_000);
  const runs = { numRuns: 100, seed: 16_16 };

  /** The requests `emulator` received while `search` ran, on the paths given. */
  async function requestsDuring(emulator: HttpEmulator, method: string, path: RegExp, search: () => Promise<unknown>): Promise<RecordedRequest[]> {
    const before = emulator.requestsTo(method, path).length;
    await search();
    return emulator.requestsTo(method, path).slice(before);
  }

  /** The body as the emulator parsed it: the JSON the CRM would read. */
  function bodyOf(request: RecordedRequest): Record<string, unknown> {
    assert.equal(typeof request.body, 'object', 'a JSON object body');
    return request.body as Record<string, unknown>;
  }

  /** Every query parameter name once, and the value of each. */
  function singleParameters(request: RecordedRequest): Record<string, string> {
    const names = [...request.query.keys()];
    assert.equal(new Set(names).size, names.length, `no parameter sent twice: ${request.query.toString()}`);
    return Object.fromEntries(request.query.entries());
  }

  // Hundreds of searches in seconds: rate limits are not what these properties are about (the CRM
  // tests cover them), so neither the client's limiter nor the emulator's window holds them back.
  const neverLimiting: RateLimitStore = { take: async () => ({ granted: true, waitMs: 0 }), pause: async () => {} };
  const unlimited = () => new RollingWindowLimit(Number.MAX_SAFE_INTEGER, 1_000);

  describe('HubSpot', () => {
    let hubspot: HubSpotEmulator;
    let provider: CrmProvider;
    const searchPath = (type: string) => new RegExp(`^/crm/v3/objects/${type}/search$`);

    before(async () => {
      hubspot = new HubSpotEmulator();
      hubspot.burstLimit = unlimited();
      hubspot.searchLimit = unlimited();
      await hubspot.start();
      const issued = hubspot.issueTokens();
      const credentials = new MemoryCredentialSource({ type: 'oauth', accessToken: issued.accessToken, refreshToken: issued.refreshToken, expiresAt: Date.now() + issued.expiresIn * 1000 });
      provider = createHubSpotProvider({ credentials, oauthClient: hubspot.oauthClient, apiBaseUrl: hubspot.url, hubspotPortalId: '4242', rateLimits: neverLimiting });
      hubspot.addCompany({ name: 'Acme Inc', domain: 'acme.com' });
    });
    after(() => hubspot?.stop());

    it('an account search sends the text as its one free-text query and adds no filter', async () => {
      await fc.assert(
        fc.asyncProperty(hostileText(), async (text) => {
          const requests = await requestsDuring(hubspot, 'POST', searchPath('companies'), () => provider.searchAccountsByName(text));
          if (!text.trim()) return assert.equal(requests.length, 0, 'a blank search asks nothing');
          assert.equal(requests.length, 1);
          const body = bodyOf(requests[0]!);
          assert.deepEqual(Object.keys(body).sort(), ['limit', 'properties', 'query']);
          assert.equal(body.query, wellFormed(text.trim()));
        }),
        runs,
      );
    });

    it("a contact search keeps the account's filter exactly, with the text as the query", async () => {
      await fc.assert(
        fc.asyncProperty(hostileText(), fc.constantFrom(undefined, '512'), async (text, accountId) => {
          const requests = await requestsDuring(hubspot, 'POST', searchPath('contacts'), () => provider.searchContacts(text, { accountId }));
          assert.equal(requests.length, 1);
          const body = bodyOf(requests[0]!);
          const expectedFilterGroups = accountId ? [{ filters: [{ propertyName: 'associatedcompanyid', operator: 'EQ', value: accountId }] }] : undefined;
          assert.deepEqual(body.filterGroups, expectedFilterGroups);
          assert.equal(body.query, text.trim() ? wellFormed(text.trim()) : undefined);
        }),
        runs,
      );
    });
  });

  describe('Pipedrive', () => {
    let pipedrive: PipedriveEmulator;
    let provider: CrmProvider;
    let organizationId: number;

    before(async () => {
      pipedrive = new PipedriveEmulator();
      pipedrive.burstLimits = { apiToken: unlimited(), oauth: unlimited(), search: unlimited() };
      await pipedrive.start();
      const issued = pipedrive.issueTokens();
      const credentials = new MemoryCredentialSource({
        type: 'oauth',
        accessToken: issued.accessToken,
        refreshToken: issued.refreshToken,
        expiresAt: Date.now() + issued.expiresIn * 1000,
        instanceUrl: issued.apiDomain,
      });
      provider = createPipedriveProvider({ credentials, oauthClient: pipedrive.oauthClient, oauthBaseUrl: pipedrive.url, rateLimits: neverLimiting });
      organizationId = pipedrive.addOrganization({ name: 'Acme Inc' });
    });
    after(() => pipedrive?.stop());

    it('an organization search sends the text as one encoded term and searches names only', async () => {
      await fc.assert(
        fc.asyncProperty(hostileText(), async (text) => {
          const requests = await requestsDuring(pipedrive, 'GET', /^\/api\/v2\/organizations\/search$/, () => provider.searchAccountsByName(text));
          const term = text.trim();
          if (!term) return assert.equal(requests.length, 0, 'a blank search asks nothing');
          assert.equal(requests.length, 1);
          const parameters = singleParameters(requests[0]!);
          assert.deepEqual(Object.keys(parameters).sort(), ['exact_match', 'fields', 'limit', 'term']);
          assert.equal(parameters.term, wellFormed(term));
          assert.equal(parameters.fields, 'name');
          // Pipedrive's rule: two characters, or one with an exact match; the provider asks so it is never refused.
          assert.equal(parameters.exact_match, String(term.length < 2));
        }),
        runs,
      );
    });

    it("a person search keeps the organization's filter exactly, with the text as one encoded term", async () => {
      await fc.assert(
        fc.asyncProperty(hostileText(), fc.boolean(), async (text, inOrganization) => {
          const accountId = inOrganization ? String(organizationId) : undefined;
          const requests = await requestsDuring(pipedrive, 'GET', /^\/api\/v2\/persons\/search$/, () => provider.searchContacts(text, { accountId }));
          const term = text.trim();
          if (term.length < 2) return assert.equal(requests.length, 0, 'too short for Pipedrive: nothing asked');
          assert.equal(requests.length, 1);
          const parameters = singleParameters(requests[0]!);
          assert.deepEqual(Object.keys(parameters).sort(), inOrganization ? ['limit', 'organization_id', 'term'] : ['limit', 'term']);
          assert.equal(parameters.term, wellFormed(term));
          if (inOrganization) assert.equal(parameters.organization_id, String(organizationId));
        }),
        runs,
      );
    });
  });

  describe('Crono', () => {
    let crono: CronoEmulator;
    let provider: CrmProvider;
    let accountId: string;

    before(async () => {
      crono = new CronoEmulator();
      crono.rateLimit = unlimited();
      await crono.start();
      const credentials = new MemoryCredentialSource({ type: 'apiKey', apiKey: crono.apiKey, apiSecret: crono.apiSecret });
      provider = createCronoProvider({ credentials, apiBaseUrl: crono.url, rateLimits: neverLimiting });
      accountId = crono.addAccount({ name: 'Acme Inc', website: 'acme.com' });
    });
    after(() => crono?.stop());

    it('an account search sends the text as the one name filter', async () => {
      await fc.assert(
        fc.asyncProperty(hostileText(), async (text) => {
          const requests = await requestsDuring(crono, 'POST', /^\/api\/v1\/Accounts\/search$/, () => provider.searchAccountsByName(text));
          if (!text.trim()) return assert.equal(requests.length, 0, 'a blank search asks nothing');
          assert.equal(requests.length, 1);
          const body = bodyOf(requests[0]!);
          assert.deepEqual(Object.keys(body).sort(), ['name', 'pagination']);
          assert.equal(body.name, wellFormed(text.trim()));
        }),
        runs,
      );
    });

    it("a prospect search keeps the account's filter exactly, with the text as the name (an email is matched locally)", async () => {
      await fc.assert(
        fc.asyncProperty(hostileText(), fc.boolean(), async (text, inAccount) => {
          const requests = await requestsDuring(crono, 'POST', /^\/api\/v1\/Prospects\/search$/, () => provider.searchContacts(text, { accountId: inAccount ? accountId : undefined }));
          const query = text.trim();
          if (!query) return assert.equal(requests.length, 0, 'a blank search asks nothing');
          assert.ok(requests.length >= 1);
          for (const request of requests) {
            const body = bodyOf(request);
            assert.deepEqual(Object.keys(body).sort(), ['accountId', 'name', 'pagination']);
            assert.equal(body.name, query.includes('@') ? null : wellFormed(query));
            assert.equal(body.accountId, inAccount ? accountId : null);
          }
        }),
        runs,
      );
    });
  });
});

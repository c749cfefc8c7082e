import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { inTenant } from '../../db/tenant-scope';
import type { AccountMatch } from '../../domain/meeting';
import { AccountMapping } from '../../entities';
import { cardActions } from '../../slack/action-ids';
import { meetingState, salesChannel } from '../support/meeting-flow';
import { startProductHarness, type ProductHarness, type SeededTenant } from '../support/product-harness';
import { waitFor } from '../support/wait-for';

const companySearchPath = /^\/crm\/v3\/objects\/companies\/search$/;

/** Which CRM account the matcher settles on, through the real activity, HubSpot emulator and database. */
describe('account matching: mapping, then domain, then name', function () {
  this.timeout(120_000);
  let harness: ProductHarness;

  before(async () => {
    harness = await startProductHarness();
  });
  after(async () => harness?.close());

  /** A company domain no other test uses (the HubSpot emulator is shared by this file's tests). */
  function uniqueDomain(): { domain: string; name: string } {
    const name = `co${randomUUID().slice(0, 8)}`;
    return { domain: `${name}.com`, name };
  }

  /** Searches HubSpot received while `run` ran, told apart by what they search on. */
  async function searchesDuring<T>(run: () => Promise<T>): Promise<{ result: T; byDomain: number; byName: number }> {
    const before = harness.emulators.hubspot.requestsTo('POST', companySearchPath).length;
    const result = await run();
    const searches = harness.emulators.hubspot.requestsTo('POST', companySearchPath).slice(before).map((request) => JSON.stringify(request.body));
    return { result, byDomain: searches.filter((body) => body.includes('"propertyName":"domain"')).length, byName: searches.filter((body) => body.includes('"query"')).length };
  }

  /** Prepares a meeting whose external attendees have these addresses and returns the matcher's verdict. */
  async function matchFor(seeded: SeededTenant, externalEmails: string[]): Promise<AccountMatch> {
    return (await meetingWith(seeded, externalEmails)).match;
  }

  async function meetingWith(seeded: SeededTenant, externalEmails: string[]): Promise<{ match: AccountMatch; recordingId: string }> {
    const invitee = (email: string, external: boolean) => ({ name: email.split('@')[0]!, matched_speaker_display_name: null, email, email_domain: email.split('@')[1]!, is_external: external });
    const meeting = harness.addFathomMeeting(seeded, {
      calendar_invitees: [invitee(seeded.rep.email, false), ...externalEmails.map((email) => invitee(email, true))],
    });
    const response = await harness.slashCommand(seeded, meeting.url, { channelId: salesChannel });
    assert.equal(response.status, 200);
    const workflowId = harness.workflowId(seeded, meeting.recording_id);
    const match = await waitFor('the account verdict', async () => (await meetingState(harness, workflowId)).account, 60_000);
    return { match, recordingId: String(meeting.recording_id) };
  }

  async function rememberedDomains(seeded: SeededTenant): Promise<Record<string, string>> {
    const mappings = await inTenant(harness.orm, seeded.tenant.id, (em) => em.find(AccountMapping, {}));
    return Object.fromEntries(mappings.map((mapping) => [mapping.domain, mapping.accountId]));
  }

  it('uses a remembered mapping first and does not search the CRM', async () => {
    const seeded = await harness.seedTenant();
    const { domain } = uniqueDomain();
    harness.emulators.hubspot.addCompany({ name: 'On the domain', domain });
    await inTenant(harness.orm, seeded.tenant.id, async (em) => {
      em.persist(Object.assign(new AccountMapping(), { tenantId: seeded.tenant.id, provider: 'hubspot', domain, accountId: 'remembered-1', accountName: 'Remembered Inc', source: 'admin' }));
    });
    const { result: match, byDomain, byName } = await searchesDuring(() => matchFor(seeded, [`ann@${domain}`]));
    assert.equal(match.verdict, 'matched');
    assert.deepEqual({ id: match.chosen?.id, source: match.chosen?.source, confidence: match.chosen?.confidence }, { id: 'remembered-1', source: 'mapping', confidence: 1 });
    assert.deepEqual({ byDomain, byName }, { byDomain: 0, byName: 0 });
  });

  it('matches the one account on the attendees’ domain (0.95) without a name search', async () => {
    const seeded = await harness.seedTenant();
    const { domain } = uniqueDomain();
    const company = harness.emulators.hubspot.addCompany({ name: 'Only Inc', domain });
    const { result: match, byDomain, byName } = await searchesDuring(() => matchFor(seeded, [`ann@${domain}`, `bob@${domain}`]));
    assert.equal(match.verdict, 'matched');
    assert.deepEqual({ id: match.chosen?.id, source: match.chosen?.source, confidence: match.chosen?.confidence }, { id: company, source: 'domain', confidence: 0.95 });
    assert.equal(byDomain, 1, 'one search for the one company domain');
    assert.equal(byName, 0);
  });

  it('asks the rep between two accounts on one domain (0.5 each) instead of guessing', async () => {
    const seeded = await harness.seedTenant();
    const { domain } = uniqueDomain();
    const us = harness.emulators.hubspot.addCompany({ name: 'Twin (US)', domain });
    const eu = harness.emulators.hubspot.addCompany({ name: 'Twin (EU)', domain });
    const match = await matchFor(seeded, [`ann@${domain}`]);
    assert.equal(match.verdict, 'ambiguous');
    assert.equal(match.chosen, undefined);
    assert.deepEqual(match.candidates.map((c) => [c.id, c.confidence, c.source]).sort(), [[us, 0.5, 'domain'], [eu, 0.5, 'domain']].sort());
  });

  it('falls back to the company name only when no account has the domain, and offers it (0.4) rather than choosing it', async () => {
    const seeded = await harness.seedTenant();
    const { domain, name } = uniqueDomain();
    const byItsName = harness.emulators.hubspot.addCompany({ name: `${name} Holdings`, domain: `${name}-group.net` });
    const { result: match, byDomain, byName } = await searchesDuring(() => matchFor(seeded, [`ann@${domain}`]));
    assert.equal(match.verdict, 'ambiguous');
    assert.deepEqual(match.candidates.map((c) => [c.id, c.confidence, c.source]), [[byItsName, 0.4, 'name']]);
    assert.deepEqual({ byDomain, byName }, { byDomain: 1, byName: 1 }, 'the domain first, then the name');
  });

  it('ignores free-mail attendees: none, and the CRM is not searched', async () => {
    const seeded = await harness.seedTenant();
    harness.emulators.hubspot.addCompany({ name: 'Gmail', domain: 'gmail.com' });
    const { result: match, byDomain, byName } = await searchesDuring(() => matchFor(seeded, ['someone@gmail.com', 'other@outlook.com']));
    assert.deepEqual(match, { verdict: 'none', candidates: [] });
    assert.deepEqual({ byDomain, byName }, { byDomain: 0, byName: 0 });
  });

  it('says none when neither the domain nor the name finds anything', async () => {
    const seeded = await harness.seedTenant();
    const { domain } = uniqueDomain();
    const match = await matchFor(seeded, [`ann@${domain}`]);
    assert.deepEqual(match, { verdict: 'none', candidates: [] });
  });

  it('remembers a rep’s pick only for the chosen company’s domain, not for the other companies in the meeting', async () => {
    const seeded = await harness.seedTenant();
    const client = uniqueDomain().domain;
    const partner = uniqueDomain().domain;
    harness.emulators.hubspot.addCompany({ name: 'Twin (US)', domain: client });
    const eu = harness.emulators.hubspot.addCompany({ name: 'Twin (EU)', domain: client });
    const { match, recordingId } = await meetingWith(seeded, [`ann@${client}`, `pat@${partner}`]);
    assert.equal(match.verdict, 'ambiguous');

    await harness.click(seeded, { actionId: cardActions.chooseAccount, blockId: `account:${recordingId}`, selected: { value: eu, text: `Twin (EU) (${client})` } });
    const remembered = await waitFor('the remembered choice', async () => {
      const domains = await rememberedDomains(seeded);
      return Object.keys(domains).length > 0 ? domains : undefined;
    });
    assert.deepEqual(remembered, { [client]: eu }, `${partner} is not Twin (EU)’s, so it is not mapped to it`);
  });
});

import { normaliseDomain, type CrmAccount } from '../domain/crm';
import { inTenant } from '../db/tenant-scope';
import { AccountMapping } from '../entities';
import type { AccountCandidate, AccountMatch, AccountMatchSource, CrmContext } from '../domain/meeting';
import type { ActivityDependencies } from './dependencies';
import { isFreeMailDomain } from './free-mail-domains';
import { whileHeartbeating } from './heartbeat';
import { readMeetingOfRep } from './meeting-of-rep';
import { crmProviderFor, readDefaultCrmConnection } from './tenant-services';

export interface MatchAccountInput {
  tenantId: string;
  meetingRecordId: string;
  workflowId: string;
}

/** Above this a candidate is chosen without asking; below it the rep picks. */
const confidentMatch = 0.9;

/**
 * Finds the CRM account of a meeting: the tenant's remembered mappings first, then the CRM by
 * the external attendees' company domains (free-mail ignored), then by company name. Several
 * accounts for one domain are never guessed between: the rep is asked.
 */
export function matchAccountActivity(deps: ActivityDependencies) {
  // CRM searches can be slow: heartbeats let a dead worker's attempt be retried in seconds.
  return async function matchAccount(input: MatchAccountInput): Promise<{ crm: CrmContext; account: AccountMatch }> {
    return whileHeartbeating(() => findAccount(deps, input));
  };
}

async function findAccount(deps: ActivityDependencies, input: MatchAccountInput): Promise<{ crm: CrmContext; account: AccountMatch }> {
  const { connection, domains, mappings } = await inTenant(deps.orm, input.tenantId, async (em) => {
    const { record } = await readMeetingOfRep(em, input.tenantId, input.meetingRecordId);
    const connection = await readDefaultCrmConnection(em, input.tenantId);
    const domains = companyDomains(record.attendees.filter((a) => a.external).map((a) => a.domain ?? a.email ?? ''));
    const mappings = connection ? await em.find(AccountMapping, { provider: connection.provider, domain: { $in: domains } }) : [];
    return { connection, domains, mappings };
  });
  if (!connection) return { crm: { provider: null, capabilities: [] }, account: { verdict: 'none', candidates: [] } };

  const provider = crmProviderFor(deps, connection);
  const crm: CrmContext = { provider: connection.provider, capabilities: [...provider.capabilities] };
  const candidates = new Map<string, AccountCandidate>();
  const add = (account: CrmAccount, confidence: number, source: AccountMatchSource): void => {
    const existing = candidates.get(account.id);
    if (!existing || existing.confidence < confidence) {
      candidates.set(account.id, { id: account.id, name: account.name, domain: account.domain, url: account.url, confidence, source });
    }
  };

  for (const mapping of mappings) {
    add({ id: mapping.accountId, name: mapping.accountName, domain: mapping.domain }, 1, mapping.source === 'rep-choice' ? 'rep-mapping' : 'mapping');
  }
  if (candidates.size === 0) {
    for (const domain of domains) {
      const found = await provider.searchAccountsByDomain(domain);
      for (const account of found) add(account, found.length === 1 ? 0.95 : 0.5, 'domain');
    }
  }
  if (candidates.size === 0) {
    for (const domain of domains) {
      const companyName = domain.split('.')[0] ?? '';
      if (companyName.length < 2) continue;
      for (const account of await provider.searchAccountsByName(companyName, 5)) add(account, 0.4, 'name');
    }
  }
  if (mappings.length > 0) {
    await inTenant(deps.orm, input.tenantId, async (em) => {
      for (const mapping of await em.find(AccountMapping, { id: { $in: mappings.map((m) => m.id) } })) {
        mapping.hits += 1;
        mapping.lastUsedAt = deps.now();
      }
    });
  }
  return { crm, account: verdictFor([...candidates.values()].sort((a, b) => b.confidence - a.confidence)) };
}

export function companyDomains(addresses: string[]): string[] {
  const domains = addresses.map((address) => normaliseDomain(address)).filter((domain) => domain.includes('.') && !isFreeMailDomain(domain));
  return [...new Set(domains)];
}

export function verdictFor(ranked: AccountCandidate[]): AccountMatch {
  if (ranked.length === 0) return { verdict: 'none', candidates: [] };
  const confident = ranked.filter((candidate) => candidate.confidence >= confidentMatch);
  if (confident.length === 1) return { verdict: 'matched', candidates: ranked.slice(0, 10), chosen: confident[0] };
  return { verdict: 'ambiguous', candidates: ranked.slice(0, 25) };
}

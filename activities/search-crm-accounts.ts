import type { ActingFor } from '../domain/meeting';
import type { FoundCrmRecord } from '../workflows/messages';
import { assertActsForProvenActor } from './actor-authority';
import { withCrm } from './crm-session';
import type { ActivityDependencies } from './dependencies';

export interface SearchCrmAccountsInput extends ActingFor {
  tenantId: string;
  workflowId: string;
  query: string;
}

/** As many as one Slack select can list (Block Kit's 100 options). */
export const crmSearchResultLimit = 100;

/** The tenant's CRM accounts whose name matches what the rep typed in the card's account search. */
export function searchCrmAccountsActivity(deps: ActivityDependencies) {
  return async function searchCrmAccounts(input: SearchCrmAccountsInput): Promise<FoundCrmRecord[]> {
    // The CRM's accounts are only read for whom the API vouches.
    await assertActsForProvenActor(deps, input, 'crm.search_accounts');
    const accounts = await withCrm(deps, input.tenantId, (provider) => provider.searchAccountsByName(input.query, crmSearchResultLimit));
    return accounts.slice(0, crmSearchResultLimit).map(({ id, name }) => ({ id, name }));
  };
}

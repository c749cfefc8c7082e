import type { FoundCrmRecord } from '../workflows/messages';
import { withCrm } from './crm-session';
import type { ActivityDependencies } from './dependencies';

export interface SearchCrmAccountsInput {
  tenantId: string;
  query: string;
}

/** As many as one Slack select can list (Block Kit's 100 options). */
export const crmSearchResultLimit = 100;

/** The tenant's CRM accounts whose name matches what the rep typed in the card's account search. */
export function searchCrmAccountsActivity(deps: ActivityDependencies) {
  return async function searchCrmAccounts(input: SearchCrmAccountsInput): Promise<FoundCrmRecord[]> {
    const accounts = await withCrm(deps, input.tenantId, (provider) => provider.searchAccountsByName(input.query, crmSearchResultLimit));
    return accounts.slice(0, crmSearchResultLimit).map(({ id, name }) => ({ id, name }));
  };
}

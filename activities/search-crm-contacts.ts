import type { ActingFor } from '../domain/meeting';
import type { FoundCrmRecord } from '../workflows/messages';
import { assertActsForProvenActor } from './actor-authority';
import { withCrm } from './crm-session';
import type { ActivityDependencies } from './dependencies';
import { crmSearchResultLimit } from './search-crm-accounts';

export interface SearchCrmContactsInput extends ActingFor {
  tenantId: string;
  workflowId: string;
  query: string;
  /** The meeting's chosen account: only its people are offered for the task. */
  accountId: string;
}

/** The chosen account's CRM contacts matching what the rep typed in the task form's contact picker. */
export function searchCrmContactsActivity(deps: ActivityDependencies) {
  return async function searchCrmContacts(input: SearchCrmContactsInput): Promise<FoundCrmRecord[]> {
    // The CRM's contacts are only read for whom the API vouches.
    await assertActsForProvenActor(deps, input, 'crm.search_contacts');
    const contacts = await withCrm(deps, input.tenantId, (provider) =>
      provider.searchContacts(input.query, { accountId: input.accountId, limit: crmSearchResultLimit }),
    );
    return contacts.slice(0, crmSearchResultLimit).map(({ id, name, email }) => ({ id, name: email && email !== name ? `${name} (${email})` : name }));
  };
}

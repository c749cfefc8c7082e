import type { UpdateDefinition } from '@temporalio/common';
import { crmSearchOptions, noOptions, type OptionsAnswer } from '../../slack/crm-search-options';
import { crmSearchQueryMaxLength } from '../../workflows/meeting-rules';
import { searchAccountsUpdate, searchContactsUpdate, type CrmSearchInput, type FoundCrmRecord } from '../../workflows/messages';
import { actorFor } from './actors';
import type { ApiDependencies } from '../http/dependencies';
import type { TenantRateLimit } from '../http/tenant-rate-limit';
import type { SlackSuggestion } from '../slack/slack-request';

/**
 * The searchable selects: the card's account search and the task form's contact picker. Only the
 * meeting's workflow talks to the CRM, so each keystroke Slack sends becomes an update whose
 * result is the options; Slack shows nothing that takes over 3 seconds, so a late, refused or
 * failed search is answered with no options instead of an error.
 */

type CrmSearchDependencies = Pick<ApiDependencies, 'orm' | 'gateway' | 'logger'>;

/** Slack's 3 seconds, less the time for verification, the actor lookup and the way back. */
export const crmSearchDeadlineMs = 2_000;

/** The card's account search: the select's block id names the meeting. */
export function suggestAccounts(deps: CrmSearchDependencies, rateLimit: TenantRateLimit, suggestion: SlackSuggestion): Promise<OptionsAnswer> {
  const blockId = suggestion.payload.block_id ?? '';
  const recordingId = blockId.startsWith('account:') ? blockId.slice('account:'.length) : '';
  return searchThroughMeeting(deps, rateLimit, suggestion, recordingId, searchAccountsUpdate);
}

/** The task form's contact picker: the modal's private metadata names the meeting. */
export function suggestContacts(deps: CrmSearchDependencies, rateLimit: TenantRateLimit, suggestion: SlackSuggestion): Promise<OptionsAnswer> {
  return searchThroughMeeting(deps, rateLimit, suggestion, suggestion.payload.view?.private_metadata ?? '', searchContactsUpdate);
}

async function searchThroughMeeting(
  deps: CrmSearchDependencies,
  rateLimit: TenantRateLimit,
  { tenant, payload }: SlackSuggestion,
  recordingId: string,
  update: UpdateDefinition<FoundCrmRecord[], [CrmSearchInput]>,
): Promise<OptionsAnswer> {
  const query = (payload.value ?? '').trim().slice(0, crmSearchQueryMaxLength);
  if (!recordingId || !query) return noOptions;
  if (!rateLimit.admit(tenant.id)) {
    deps.logger.warn('CRM search over the workspace’s rate limit answered with no options', { tenantId: tenant.id, search: update.name });
    return noOptions;
  }
  try {
    const actor = await actorFor(deps.orm, tenant, payload.user.id);
    const outcome = await deps.gateway.ask(tenant, recordingId, update, { actor, query }, crmSearchDeadlineMs);
    if (outcome.status === 'answered') return crmSearchOptions(outcome.result);
    // The reason may quote the CRM; the query (what the rep typed) stays out of the logs.
    deps.logger.info('CRM search answered with no options', {
      tenantId: tenant.id,
      search: update.name,
      outcome: outcome.status,
      reason: outcome.status === 'rejected' ? outcome.reason : undefined,
    });
  } catch (error) {
    deps.logger.warn('CRM search failed; answered with no options', { tenantId: tenant.id, search: update.name, error });
  }
  return noOptions;
}

/**
 * The CRM vocabulary every floor speaks: which CRMs exist, what each can do, and the records the
 * product reads and writes. The adapters in clients/crm implement CrmProvider over these.
 */
export type CrmProviderName = 'hubspot' | 'salesforce' | 'pipedrive' | 'crono';

export const crmProviderNames: readonly CrmProviderName[] = ['hubspot', 'salesforce', 'pipedrive', 'crono'];

/** What a provider can do; the Slack card offers only the actions backed by a capability. */
export type CrmCapability =
  | 'notes' // create + find-by-key notes on an account
  | 'noteOnDeal' // the note can also be attached to an open deal
  | 'deals' // list deals of an account
  | 'dealUpdate' // change stage / amount
  | 'contacts' // search contacts
  | 'tasks'; // create + find-by-key tasks

export interface CrmAccount {
  id: string;
  name: string;
  /** Normalised bare domain (no scheme, no www), when the CRM knows one. */
  domain?: string;
  /** Link to the record in the CRM's own UI. */
  url?: string;
}

export interface CrmNote {
  id: string;
  url?: string;
}

export interface CrmDeal {
  id: string;
  name: string;
  stageId: string;
  stageLabel?: string;
  pipelineId?: string;
  amount: number | null;
  currency?: string;
  closeDate?: string;
  isClosed: boolean;
  url?: string;
  /** Last modification (ISO 8601), when the provider reports it. */
  updatedAt?: string;
}

export interface CrmDealStage {
  id: string;
  label: string;
  pipelineId: string;
  pipelineLabel?: string;
  isClosed: boolean;
}

export interface CrmContact {
  id: string;
  name: string;
  email?: string;
  accountId?: string;
}

export interface CrmTask {
  id: string;
  url?: string;
}

/** Lower-case bare domain: strips scheme, path, port and a leading www. */
export function normaliseDomain(input: string): string {
  let value = input.trim().toLowerCase();
  value = value.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  value = value.replace(/^[^@/]*@/, '');
  value = value.split(/[/?#:]/)[0] ?? '';
  return value.replace(/^www\./, '').replace(/\.$/, '');
}

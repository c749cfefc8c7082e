import type { CrmProviderName } from '../domain/crm';
import type { TenantSettings } from '../entities';

/** How workspace settings read in App Home and the settings modal. */
export const toneLabels: Record<TenantSettings['tone'], string> = {
  professional: 'Professional',
  friendly: 'Friendly',
  concise: 'Concise',
};

export const autoLogLabels: Record<TenantSettings['autoLogPolicy'], string> = {
  never: 'Never: the rep clicks “Log to CRM”',
  'when-confident': 'When the account match is confident',
};

export const crmLabels: Record<CrmProviderName, string> = {
  hubspot: 'HubSpot',
  salesforce: 'Salesforce',
  pipedrive: 'Pipedrive',
  crono: 'Crono',
};

export function languageLabel(language: string): string {
  return language === 'auto' ? 'Same as the meeting' : language;
}

import type { CrmCapability, CrmProviderName } from '../../domain/crm';

const everyCapability: ReadonlySet<CrmCapability> = new Set<CrmCapability>(['notes', 'noteOnDeal', 'deals', 'dealUpdate', 'contacts', 'tasks']);

/**
 * What each CRM adapter supports. Kept apart from the adapters so that it is known before an
 * adapter's client library (jsforce, pipedrive, @hubspot/api-client) is loaded: create-crm-provider.ts
 * loads those only at a tenant's first CRM call.
 */
export const crmCapabilities: Record<CrmProviderName, ReadonlySet<CrmCapability>> = {
  hubspot: everyCapability,
  salesforce: everyCapability,
  pipedrive: everyCapability,
  crono: everyCapability,
};

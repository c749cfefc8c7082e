import type { CrmProvider, CrmProviderSettings } from './crm-provider';
import type { CrmProviderName } from '../../domain/crm';
import { createCronoProvider } from './crono-provider';
import { createHubSpotProvider } from './hubspot-provider';
import { createPipedriveProvider } from './pipedrive-provider';
import { createSalesforceProvider } from './salesforce-provider';

const factories: Record<CrmProviderName, (settings: CrmProviderSettings) => CrmProvider> = {
  hubspot: createHubSpotProvider,
  salesforce: createSalesforceProvider,
  pipedrive: createPipedriveProvider,
  crono: createCronoProvider,
};

/** The adapter for a tenant's connected CRM. */
export function createCrmProvider(name: CrmProviderName, settings: CrmProviderSettings): CrmProvider {
  return factories[name](settings);
}

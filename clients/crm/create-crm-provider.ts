import type { CreateNoteInput, CreateTaskInput, CrmProvider, CrmProviderSettings, UpdateDealInput } from './crm-provider';
import type { CrmProviderName } from '../../domain/crm';
import { crmCapabilities } from './crm-capabilities';

type AdapterFactory = (settings: CrmProviderSettings) => CrmProvider;

/**
 * Each adapter's module is loaded at its first use, not when the worker or API starts: their
 * client libraries (pipedrive, jsforce, @hubspot/api-client) take about 1.5 s to load together,
 * and most processes only ever talk to one or two CRMs.
 */
const adapterModules: Record<CrmProviderName, () => Promise<AdapterFactory>> = {
  hubspot: async () => (await import('./hubspot-provider')).createHubSpotProvider,
  salesforce: async () => (await import('./salesforce-provider')).createSalesforceProvider,
  pipedrive: async () => (await import('./pipedrive-provider')).createPipedriveProvider,
  crono: async () => (await import('./crono-provider')).createCronoProvider,
};

/** The adapter for a tenant's connected CRM. */
export function createCrmProvider(name: CrmProviderName, settings: CrmProviderSettings): CrmProvider {
  return new DeferredCrmProvider(name, settings);
}

/** Builds the real adapter at the first call and hands every call to it. */
class DeferredCrmProvider implements CrmProvider {
  readonly capabilities;
  private adapter: Promise<CrmProvider> | undefined;

  constructor(
    readonly name: CrmProviderName,
    private readonly settings: CrmProviderSettings,
  ) {
    this.capabilities = crmCapabilities[name];
  }

  private load(): Promise<CrmProvider> {
    this.adapter ??= adapterModules[this.name]()
      .then((create) => create(this.settings))
      .catch((error: unknown) => {
        this.adapter = undefined; // a failed load or construction is tried again at the next call
        throw error;
      });
    return this.adapter;
  }

  async searchAccountsByDomain(domain: string) {
    return (await this.load()).searchAccountsByDomain(domain);
  }
  async searchAccountsByName(name: string, limit?: number) {
    return (await this.load()).searchAccountsByName(name, limit);
  }
  async getAccount(accountId: string) {
    return (await this.load()).getAccount(accountId);
  }
  async findNoteByKey(accountId: string, idempotencyKey: string) {
    return (await this.load()).findNoteByKey(accountId, idempotencyKey);
  }
  async createNote(input: CreateNoteInput) {
    return (await this.load()).createNote(input);
  }
  async listDeals(accountId: string, options?: { openOnly?: boolean }) {
    return (await this.load()).listDeals(accountId, options);
  }
  async listDealStages() {
    return (await this.load()).listDealStages();
  }
  async updateDeal(input: UpdateDealInput) {
    return (await this.load()).updateDeal(input);
  }
  async searchContacts(query: string, options?: { accountId?: string; limit?: number }) {
    return (await this.load()).searchContacts(query, options);
  }
  async findTaskByKey(accountId: string, idempotencyKey: string) {
    return (await this.load()).findTaskByKey(accountId, idempotencyKey);
  }
  async createTask(input: CreateTaskInput) {
    return (await this.load()).createTask(input);
  }
}

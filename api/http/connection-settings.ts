import { crmOAuthEndpoints, type CrmOAuthApp, type OAuthCrmProvider } from '../../clients/crm/crm-oauth-connect';
import type { AppConfig } from '../../runtime/config';

/**
 * What connecting accounts from App Home needs: the OAuth apps (only those configured are
 * offered) and the API bases used to check a key before it is stored.
 */
export interface ConnectionSettings {
  google?: { clientId: string; clientSecret: string; tokenUrl?: string; authorizeUrl?: string };
  crm: Partial<Record<OAuthCrmProvider, CrmOAuthApp>>;
  cronoApiUrl: string;
}

export function connectionSettingsFrom(config: AppConfig): ConnectionSettings {
  const { google, crm } = config;
  const app = (provider: OAuthCrmProvider, settings: { clientId?: string; clientSecret?: string }, base: Parameters<typeof crmOAuthEndpoints>[1]) =>
    settings.clientId && settings.clientSecret ? { [provider]: { clientId: settings.clientId, clientSecret: settings.clientSecret, ...crmOAuthEndpoints(provider, base) } } : {};
  return {
    google: google.clientId && google.clientSecret ? { clientId: google.clientId, clientSecret: google.clientSecret, tokenUrl: google.tokenUrl, authorizeUrl: google.authorizeUrl } : undefined,
    crm: {
      ...app('hubspot', crm.hubspot, { apiUrl: crm.hubspot.apiUrl, authorizeUrl: crm.hubspot.authorizeUrl }),
      ...app('salesforce', crm.salesforce, { loginUrl: crm.salesforce.loginUrl }),
      ...app('pipedrive', crm.pipedrive, { oauthUrl: crm.pipedrive.oauthUrl }),
    },
    cronoApiUrl: crm.crono.apiUrl,
  };
}

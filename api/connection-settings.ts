import type { AppConfig } from '../runtime/config';

/**
 * What connecting accounts from App Home needs: the OAuth apps (only those configured are
 * offered) and the API bases used to check a key before it is stored.
 */
export interface ConnectionSettings {
  google?: { clientId: string; clientSecret: string; tokenUrl?: string; authorizeUrl?: string };
  hubspot?: { clientId: string; clientSecret: string; apiUrl: string; authorizeUrl?: string };
  cronoApiUrl: string;
}

export function connectionSettingsFrom(config: AppConfig): ConnectionSettings {
  const { google, crm } = config;
  return {
    google: google.clientId && google.clientSecret ? { clientId: google.clientId, clientSecret: google.clientSecret, tokenUrl: google.tokenUrl, authorizeUrl: google.authorizeUrl } : undefined,
    hubspot:
      crm.hubspot.clientId && crm.hubspot.clientSecret
        ? { clientId: crm.hubspot.clientId, clientSecret: crm.hubspot.clientSecret, apiUrl: crm.hubspot.apiUrl, authorizeUrl: crm.hubspot.authorizeUrl }
        : undefined,
    cronoApiUrl: crm.crono.apiUrl,
  };
}

/**
 * Connecting a CRM by OAuth from App Home: the provider's consent-screen URL and the one-time
 * exchange of the authorization code for the credentials the providers read (CrmCredentials).
 */
import type { CrmCredentials } from './crm-provider';
import { expiresAtFrom, requestOAuthToken } from './oauth-token-request';

export type OAuthCrmProvider = 'hubspot' | 'salesforce' | 'pipedrive';

export const oauthCrmProviders: readonly OAuthCrmProvider[] = ['hubspot', 'salesforce', 'pipedrive'];

export interface CrmOAuthApp {
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
}

export const hubSpotAuthorizeUrl = 'https://app.hubspot.com/oauth/authorize';

/** Where each provider's consent screen and token endpoint live, from the API/login bases in config. */
export function crmOAuthEndpoints(provider: OAuthCrmProvider, base: { apiUrl?: string; loginUrl?: string; oauthUrl?: string; authorizeUrl?: string }): { authorizeUrl: string; tokenUrl: string } {
  const trim = (url: string | undefined) => (url ?? '').replace(/\/+$/, '');
  switch (provider) {
    case 'hubspot':
      return { authorizeUrl: base.authorizeUrl ?? hubSpotAuthorizeUrl, tokenUrl: `${trim(base.apiUrl)}/oauth/v1/token` };
    case 'salesforce':
      return { authorizeUrl: `${trim(base.loginUrl)}/services/oauth2/authorize`, tokenUrl: `${trim(base.loginUrl)}/services/oauth2/token` };
    case 'pipedrive':
      return { authorizeUrl: `${trim(base.oauthUrl)}/oauth/authorize`, tokenUrl: `${trim(base.oauthUrl)}/oauth/token` };
  }
}

/** Scopes per api-contracts: HubSpot's notes and tasks historically need contacts.write; Pipedrive's come from the app's settings. */
const scopes: Record<OAuthCrmProvider, string | undefined> = {
  hubspot: ['oauth', 'crm.objects.companies.read', 'crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.objects.deals.read', 'crm.objects.deals.write'].join(' '),
  salesforce: 'api refresh_token',
  pipedrive: undefined,
};
const exchangeTimeoutMs = 10_000;

export function buildCrmAuthorizeUrl(provider: OAuthCrmProvider, app: CrmOAuthApp, options: { redirectUri: string; state: string }): string {
  const url = new URL(app.authorizeUrl);
  const scope = scopes[provider];
  url.search = new URLSearchParams({
    ...(provider === 'salesforce' ? { response_type: 'code' } : {}),
    client_id: app.clientId,
    redirect_uri: options.redirectUri,
    ...(scope ? { scope } : {}),
    state: options.state,
  }).toString();
  return url.href;
}

export async function exchangeCrmCode(
  provider: OAuthCrmProvider,
  app: CrmOAuthApp,
  options: { code: string; redirectUri: string; now?: number },
): Promise<CrmCredentials> {
  const grant = { grant_type: 'authorization_code', code: options.code, redirect_uri: options.redirectUri };
  // Pipedrive takes the client by HTTP Basic only; the others in the form.
  const response = await requestOAuthToken({
    service: provider,
    url: app.tokenUrl,
    form: provider === 'pipedrive' ? grant : { ...grant, client_id: app.clientId, client_secret: app.clientSecret },
    ...(provider === 'pipedrive' ? { headers: { authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}` } } : {}),
    timeoutMs: exchangeTimeoutMs,
  });
  const expiresAt = expiresAtFrom(response.expires_in, options.now);
  // Salesforce's instance URL and Pipedrive's api_domain are where the account's API lives.
  const instanceUrl = provider === 'salesforce' ? response.instance_url : provider === 'pipedrive' ? response.api_domain : undefined;
  return {
    type: 'oauth',
    accessToken: response.access_token,
    ...(response.refresh_token ? { refreshToken: response.refresh_token } : {}),
    ...(expiresAt ? { expiresAt } : {}),
    ...(instanceUrl ? { instanceUrl } : {}),
  };
}

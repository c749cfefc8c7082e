/**
 * Connecting a CRM by OAuth from App Home: the provider's consent-screen URL and the one-time
 * exchange of the authorization code for the credentials the providers read (CrmCredentials).
 * HubSpot only for now; each provider adds its authorize URL, scopes and token endpoint here.
 */
import type { CrmCredentials } from './crm-provider';
import { expiresAtFrom, requestOAuthToken } from './oauth-token-request';

export type OAuthCrmProvider = 'hubspot';

export interface CrmOAuthApp {
  clientId: string;
  clientSecret: string;
  /** API base; the token endpoint lives under it (HubSpot). */
  apiUrl: string;
  authorizeUrl?: string;
}

export const hubSpotAuthorizeUrl = 'https://app.hubspot.com/oauth/authorize';
/** Notes and tasks historically need contacts.write (api-contracts §HubSpot). */
export const hubSpotScopes = ['oauth', 'crm.objects.companies.read', 'crm.objects.contacts.read', 'crm.objects.contacts.write', 'crm.objects.deals.read', 'crm.objects.deals.write'];
const exchangeTimeoutMs = 10_000;

export function buildCrmAuthorizeUrl(_provider: OAuthCrmProvider, app: CrmOAuthApp, options: { redirectUri: string; state: string }): string {
  const url = new URL(app.authorizeUrl ?? hubSpotAuthorizeUrl);
  url.search = new URLSearchParams({ client_id: app.clientId, redirect_uri: options.redirectUri, scope: hubSpotScopes.join(' '), state: options.state }).toString();
  return url.href;
}

export async function exchangeCrmCode(
  provider: OAuthCrmProvider,
  app: CrmOAuthApp,
  options: { code: string; redirectUri: string; now?: number },
): Promise<CrmCredentials> {
  const response = await requestOAuthToken({
    service: provider,
    url: `${app.apiUrl.replace(/\/+$/, '')}/oauth/v1/token`,
    form: { grant_type: 'authorization_code', code: options.code, redirect_uri: options.redirectUri, client_id: app.clientId, client_secret: app.clientSecret },
    timeoutMs: exchangeTimeoutMs,
  });
  const expiresAt = expiresAtFrom(response.expires_in, options.now);
  return {
    type: 'oauth',
    accessToken: response.access_token,
    ...(response.refresh_token ? { refreshToken: response.refresh_token } : {}),
    ...(expiresAt ? { expiresAt } : {}),
  };
}

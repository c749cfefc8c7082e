/**
 * The OAuth grants of the OAuth CRMs: the consent-screen URL and the one-time exchange of the
 * authorization code when an admin connects a CRM from App Home, and the refresh grant the
 * providers run later. Both grants read the token endpoint's answer the same way.
 */
import type { OAuthCredentials, TokenRefresher } from './credential-session';
import { expiresAtFrom, requestOAuthToken, revokeOAuthToken, type OAuthTokenResponse } from './oauth-token-request';

export type OAuthCrmProvider = 'hubspot' | 'salesforce' | 'pipedrive';

export const oauthCrmProviders: readonly OAuthCrmProvider[] = ['hubspot', 'salesforce', 'pipedrive'];

export interface CrmOAuthApp {
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
}

export const hubSpotAuthorizeUrl = 'https://app.hubspot.com/oauth/authorize';

/**
 * HubSpot's date-versioned OAuth API (2026-03): the v1 endpoints (`/oauth/v1/token`, the refresh
 * token DELETE) are sunset on 2027-02-16. Same grants and answers, every parameter in the body.
 */
const hubSpotOAuthVersion = '2026-03';

export function hubSpotTokenUrl(apiBaseUrl: string): string {
  return `${apiBaseUrl.replace(/\/+$/, '')}/oauth/${hubSpotOAuthVersion}/token`;
}

/** Where each provider's consent screen and token endpoint live, from the API/login bases in config. */
export function crmOAuthEndpoints(provider: OAuthCrmProvider, base: { apiUrl?: string; loginUrl?: string; oauthUrl?: string; authorizeUrl?: string }): { authorizeUrl: string; tokenUrl: string } {
  const trim = (url: string | undefined) => (url ?? '').replace(/\/+$/, '');
  switch (provider) {
    case 'hubspot':
      return { authorizeUrl: base.authorizeUrl ?? hubSpotAuthorizeUrl, tokenUrl: hubSpotTokenUrl(trim(base.apiUrl)) };
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

/**
 * Salesforce documents PKCE (S256) for the web-server flow; HubSpot and Pipedrive document none,
 * and a challenge they would ignore protects nothing, so they get none.
 */
export function crmSupportsPkce(provider: OAuthCrmProvider): boolean {
  return provider === 'salesforce';
}

export function buildCrmAuthorizeUrl(provider: OAuthCrmProvider, app: CrmOAuthApp, options: { redirectUri: string; state: string; codeChallenge?: string }): string {
  const url = new URL(app.authorizeUrl);
  const scope = scopes[provider];
  url.search = new URLSearchParams({
    ...(provider === 'salesforce' ? { response_type: 'code' } : {}),
    client_id: app.clientId,
    redirect_uri: options.redirectUri,
    ...(scope ? { scope } : {}),
    state: options.state,
    ...(options.codeChallenge ? { code_challenge: options.codeChallenge, code_challenge_method: 'S256' } : {}),
  }).toString();
  return url.href;
}

export async function exchangeCrmCode(
  provider: OAuthCrmProvider,
  app: CrmOAuthApp,
  options: { code: string; redirectUri: string; codeVerifier?: string; now?: number },
): Promise<OAuthCredentials> {
  return requestCrmCredentials(provider, {
    tokenUrl: app.tokenUrl,
    client: app,
    grant: {
      grant_type: 'authorization_code',
      code: options.code,
      redirect_uri: options.redirectUri,
      ...(options.codeVerifier ? { code_verifier: options.codeVerifier } : {}),
    },
    timeoutMs: exchangeTimeoutMs,
    now: options.now,
  });
}

/** The provider's refresh grant for CredentialSession; undefined without an OAuth app (nothing to refresh with). */
export function crmTokenRefresher(
  provider: OAuthCrmProvider,
  options: { tokenUrl: string; client: OAuthClient | undefined; timeoutMs: number },
): TokenRefresher | undefined {
  const { client } = options;
  if (!client) return undefined;
  return (stale) =>
    requestCrmCredentials(provider, {
      tokenUrl: options.tokenUrl,
      client,
      grant: { grant_type: 'refresh_token', refresh_token: stale.refreshToken },
      timeoutMs: options.timeoutMs,
      // A refresh answer may leave out the refresh token (kept unless rotated) or the API host.
      stale,
    });
}

/**
 * Revokes the grant behind a connection's tokens, so a copy of them left anywhere stops working:
 * HubSpot revokes the refresh token (`POST /oauth/2026-03/token/revoke` with the app's credentials),
 * Salesforce and Pipedrive revoke per RFC 7009 (a refresh token revokes its access tokens with it).
 */
export function revokeCrmGrant(
  provider: OAuthCrmProvider,
  options: { oauthBaseUrl: string; client: OAuthClient | undefined; credentials: OAuthCredentials; timeoutMs: number },
): Promise<'revoked' | 'already-invalid' | 'not-revocable'> {
  const base = options.oauthBaseUrl.replace(/\/+$/, '');
  const { credentials, client, timeoutMs } = options;
  const token = credentials.refreshToken ?? credentials.accessToken;
  const tokenTypeHint = credentials.refreshToken ? 'refresh_token' : 'access_token';
  switch (provider) {
    case 'hubspot':
      // Only refresh tokens can be revoked, by the app that holds them; a lone access token dies within 30 minutes.
      if (!credentials.refreshToken) return Promise.resolve('already-invalid');
      // HubSpot takes a revocation only from the app that holds the token (its client id and secret).
      if (!client) return Promise.resolve('not-revocable');
      return revokeOAuthToken({
        service: provider,
        method: 'POST',
        url: `${hubSpotTokenUrl(base)}/revoke`,
        form: { client_id: client.clientId, client_secret: client.clientSecret, token: credentials.refreshToken, token_type_hint: 'refresh_token' },
        timeoutMs,
      });
    case 'salesforce':
      return revokeOAuthToken({ service: provider, method: 'POST', url: `${base}/services/oauth2/revoke`, form: { token }, timeoutMs });
    case 'pipedrive':
      return revokeOAuthToken({
        service: provider,
        method: 'POST',
        url: `${base}/oauth/revoke`,
        form: { token, token_type_hint: tokenTypeHint },
        ...(client ? { headers: { authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}` } } : {}),
        timeoutMs,
      });
  }
}

interface OAuthClient {
  clientId: string;
  clientSecret: string;
}

async function requestCrmCredentials(
  provider: OAuthCrmProvider,
  request: { tokenUrl: string; client: OAuthClient; grant: Record<string, string>; timeoutMs: number; now?: number; stale?: OAuthCredentials },
): Promise<OAuthCredentials> {
  const { client, grant, stale } = request;
  // Pipedrive takes the client by HTTP Basic only; the others in the form.
  const response = await requestOAuthToken({
    service: provider,
    url: request.tokenUrl,
    form: provider === 'pipedrive' ? grant : { ...grant, client_id: client.clientId, client_secret: client.clientSecret },
    ...(provider === 'pipedrive' ? { headers: { authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}` } } : {}),
    timeoutMs: request.timeoutMs,
  });
  const refreshToken = response.refresh_token ?? stale?.refreshToken;
  const expiresAt = expiresAtFrom(response.expires_in, request.now);
  const instanceUrl = apiHostOf(provider, response) ?? stale?.instanceUrl;
  return {
    type: 'oauth',
    accessToken: response.access_token,
    ...(refreshToken ? { refreshToken } : {}),
    ...(expiresAt ? { expiresAt } : {}),
    ...(instanceUrl ? { instanceUrl } : {}),
  };
}

/** Salesforce's instance URL and Pipedrive's api_domain are where the account's API lives. */
function apiHostOf(provider: OAuthCrmProvider, response: OAuthTokenResponse): string | undefined {
  if (provider === 'salesforce') return response.instance_url;
  if (provider === 'pipedrive') return response.api_domain;
  return undefined;
}

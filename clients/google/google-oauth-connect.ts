/**
 * Connecting a rep's Google account: the consent-screen URL and the one-time exchange of the
 * authorization code for tokens. The rep's address comes from the ID token in the token
 * response, which arrives straight from Google's token endpoint over TLS (OpenID Connect
 * §3.1.3.7 lets a client skip its signature check then).
 */
import { requestOAuthToken, revokeOAuthToken } from '../crm/oauth-token-request';
import { ExternalServiceError } from '../../domain/service-errors';
import type { GoogleTokens } from '../google-workspace';
import { googleTokenUrl } from './google-auth';

export const googleAuthorizeUrl = 'https://accounts.google.com/o/oauth2/v2/auth';
export const googleConnectScopes = ['openid', 'email', 'https://www.googleapis.com/auth/gmail.compose', 'https://www.googleapis.com/auth/calendar.events'];
const exchangeTimeoutMs = 10_000;

export interface GoogleOAuthApp {
  clientId: string;
  clientSecret: string;
  tokenUrl?: string;
  authorizeUrl?: string;
}

/**
 * Offline access with a forced consent screen: only then does Google hand out a refresh token again.
 * With PKCE (S256): Google then redeems the code only with the matching code_verifier.
 */
export function buildGoogleAuthorizeUrl(app: GoogleOAuthApp, options: { redirectUri: string; state: string; codeChallenge: string }): string {
  const url = new URL(app.authorizeUrl ?? googleAuthorizeUrl);
  url.search = new URLSearchParams({
    client_id: app.clientId,
    redirect_uri: options.redirectUri,
    response_type: 'code',
    scope: googleConnectScopes.join(' '),
    access_type: 'offline',
    prompt: 'consent',
    include_granted_scopes: 'true',
    state: options.state,
    code_challenge: options.codeChallenge,
    code_challenge_method: 'S256',
  }).toString();
  return url.href;
}

export async function exchangeGoogleCode(app: GoogleOAuthApp, options: { code: string; redirectUri: string; codeVerifier: string; now?: number }): Promise<GoogleTokens> {
  const response = await requestOAuthToken({
    service: 'google-oauth',
    url: app.tokenUrl ?? googleTokenUrl,
    form: {
      grant_type: 'authorization_code',
      code: options.code,
      redirect_uri: options.redirectUri,
      client_id: app.clientId,
      client_secret: app.clientSecret,
      code_verifier: options.codeVerifier,
    },
    timeoutMs: exchangeTimeoutMs,
  });
  const body = response as typeof response & { id_token?: unknown };
  const email = typeof body.id_token === 'string' ? emailOfIdToken(body.id_token) : undefined;
  if (!response.refresh_token || !email) {
    throw new ExternalServiceError({
      service: 'google-oauth',
      kind: 'invalid',
      detail: `token exchange answered without ${response.refresh_token ? 'an email' : 'a refresh token'}`,
      userMessage: 'Google did not grant offline access with your email address. Please connect again and allow every permission asked.',
    });
  }
  const now = options.now ?? Date.now();
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token,
    ...(response.expires_in ? { expiresAt: now + response.expires_in * 1000 } : {}),
    email,
  };
}

/**
 * Revokes the rep's grant (revoking the refresh token ends its access tokens too). The revoke
 * endpoint sits beside the token endpoint: https://oauth2.googleapis.com/revoke.
 */
export function revokeGoogleGrant(app: Pick<GoogleOAuthApp, 'tokenUrl'>, tokens: GoogleTokens, timeoutMs: number): Promise<'revoked' | 'already-invalid'> {
  const url = new URL('revoke', app.tokenUrl ?? googleTokenUrl).href;
  return revokeOAuthToken({ service: 'google-oauth', method: 'POST', url, form: { token: tokens.refreshToken }, timeoutMs });
}

function emailOfIdToken(idToken: string): string | undefined {
  try {
    const claims = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as { email?: unknown };
    return typeof claims.email === 'string' ? claims.email.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

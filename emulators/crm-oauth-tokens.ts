import { randomBytes } from 'node:crypto';
import { HttpEmulator } from './http-emulator';
import { pkceVerifierProblem } from './pkce';

/** Tokens as a CRM's token endpoint hands them out. */
export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  /** Seconds the access token lives. */
  expiresIn: number;
}

export type AccessTokenState = 'valid' | 'expired' | 'unknown';

export interface OAuthTokenStoreOptions {
  /** Distinguishes tokens of different emulators in logs, e.g. "hs". */
  prefix: string;
  accessTokenTtlSeconds: number;
  /** Whether a refresh hands out a new refresh token and retires the old one (Pipedrive does). */
  rotateRefreshTokens: boolean;
}

/**
 * The token bookkeeping every OAuth CRM emulator shares: which access tokens are live or
 * expired, which refresh tokens still work, and the knobs tests use to make them fail.
 */
export class OAuthTokenStore {
  /** Each token remembers its grant (one app install on one account), which CRMs count limits by. */
  private readonly accessTokens = new Map<string, { expiresAt: number; grant: string }>();
  private readonly refreshTokens = new Map<string, string>();
  private readonly authCodes = new Map<string, { redirectUri: string; codeChallenge?: string }>();
  /** Refresh grants answered, so tests can assert how often the client refreshed. */
  refreshCount = 0;
  /** Tokens revoked through the revoke endpoint, so tests can assert the app revoked its grant. */
  revokedCount = 0;

  constructor(private readonly options: OAuthTokenStoreOptions) {}

  issue(): IssuedTokens {
    const refreshToken = this.newToken('refresh');
    const grant = this.newToken('grant');
    this.refreshTokens.set(refreshToken, grant);
    return { ...this.newAccessToken(grant), refreshToken };
  }

  /**
   * The code the CRM appends to the OAuth redirect once the user approves; single use, bound to the
   * redirect URI and, when the authorize URL carried one, to its PKCE S256 challenge.
   */
  issueAuthCode(redirectUri: string, codeChallenge?: string): string {
    const code = this.newToken('code');
    this.authCodes.set(code, { redirectUri, codeChallenge });
    return code;
  }

  /** Exchanges an authorization code (once); undefined when it is unknown, used, for another redirect URI or without its PKCE verifier (invalid_grant). */
  redeemAuthCode(code: unknown, redirectUri: unknown, codeVerifier?: unknown): IssuedTokens | undefined {
    const grant = typeof code === 'string' ? this.authCodes.get(code) : undefined;
    if (!grant) return undefined;
    this.authCodes.delete(code as string);
    if (pkceVerifierProblem(grant.codeChallenge, codeVerifier)) return undefined;
    return grant.redirectUri === redirectUri ? this.issue() : undefined;
  }

  /** Exchanges a refresh token; undefined when it is unknown or revoked (invalid_grant). */
  refresh(refreshToken: string | undefined): IssuedTokens | undefined {
    const grant = refreshToken === undefined ? undefined : this.refreshTokens.get(refreshToken);
    if (!refreshToken || grant === undefined) return undefined;
    this.refreshCount += 1;
    let nextRefreshToken = refreshToken;
    if (this.options.rotateRefreshTokens) {
      this.refreshTokens.delete(refreshToken);
      nextRefreshToken = this.newToken('refresh');
      this.refreshTokens.set(nextRefreshToken, grant);
    }
    return { ...this.newAccessToken(grant), refreshToken: nextRefreshToken };
  }

  /** The grant (account install) an access token belongs to, whether live or expired. */
  grantOf(accessToken: string | undefined): string | undefined {
    return accessToken === undefined ? undefined : this.accessTokens.get(accessToken)?.grant;
  }

  /** The grant a refresh token belongs to, if it still refreshes. */
  grantOfRefreshToken(refreshToken: unknown): string | undefined {
    return typeof refreshToken === 'string' ? this.refreshTokens.get(refreshToken) : undefined;
  }

  check(accessToken: string | undefined): AccessTokenState {
    const entry = accessToken ? this.accessTokens.get(accessToken) : undefined;
    if (!entry) return 'unknown';
    return entry.expiresAt > Date.now() ? 'valid' : 'expired';
  }

  /** Every access token issued so far stops working, as after the CRM's expiry. */
  expireAccessTokens(): void {
    for (const entry of this.accessTokens.values()) entry.expiresAt = 0;
  }

  /**
   * Revokes one token, as a provider's revoke endpoint does: a refresh token stops refreshing and
   * every access token stops working with it (the grant ends); an access token only itself.
   * False when the token was unknown or already revoked.
   */
  revoke(token: unknown): boolean {
    if (typeof token !== 'string') return false;
    if (this.refreshTokens.delete(token)) {
      this.expireAccessTokens();
      this.revokedCount += 1;
      return true;
    }
    if (!this.accessTokens.delete(token)) return false;
    this.revokedCount += 1;
    return true;
  }

  /** Every refresh token stops working, as when the user uninstalls the app. */
  revokeRefreshTokens(): void {
    this.refreshTokens.clear();
  }

  private newAccessToken(grant: string): { accessToken: string; expiresIn: number } {
    const accessToken = this.newToken('access');
    this.accessTokens.set(accessToken, { expiresAt: Date.now() + this.options.accessTokenTtlSeconds * 1000, grant });
    return { accessToken, expiresIn: this.options.accessTokenTtlSeconds };
  }

  private newToken(kind: string): string {
    return `${this.options.prefix}-${kind}-${randomBytes(16).toString('hex')}`;
  }
}

/**
 * A CRM emulator whose API takes OAuth tokens, with the token knobs tests turn: hand out tokens
 * or an authorization code, expire every access token, revoke every refresh token.
 */
export abstract class OAuthCrmEmulator extends HttpEmulator {
  readonly tokens: OAuthTokenStore;

  protected constructor(serviceName: string, tokenOptions: OAuthTokenStoreOptions) {
    super(serviceName);
    this.tokens = new OAuthTokenStore(tokenOptions);
  }

  issueTokens(): IssuedTokens {
    return this.tokens.issue();
  }

  /** The code the CRM appends to the OAuth redirect once the user approves; single use, bound to the redirect URI (and PKCE challenge). */
  issueAuthCode(redirectUri: string, codeChallenge?: string): string {
    return this.tokens.issueAuthCode(redirectUri, codeChallenge);
  }

  revokeRefreshToken(): void {
    this.tokens.revokeRefreshTokens();
  }

  expireAccessTokens(): void {
    this.tokens.expireAccessTokens();
  }
}

/** The bearer token of a request, if any. */
export function bearerToken(authorization: string | string[] | undefined): string | undefined {
  const value = Array.isArray(authorization) ? authorization[0] : authorization;
  const match = value ? /^Bearer\s+(.+)$/i.exec(value) : null;
  return match?.[1];
}

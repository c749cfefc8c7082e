import { ExternalServiceError, serviceDisplayName, type ExternalService } from '../../domain/service-errors';
import type { CrmCredentials, CrmCredentialSource } from './crm-provider';

export type OAuthCredentials = Extract<CrmCredentials, { type: 'oauth' }>;

/** Exchanges the refresh token of `stale` for new credentials; throws ExternalServiceError. */
export type TokenRefresher = (stale: OAuthCredentials & { refreshToken: string }) => Promise<OAuthCredentials>;

export interface CredentialSessionOptions {
  service: ExternalService;
  source: CrmCredentialSource;
  /** Absent when the CRM or this connection has no refresh flow (API keys, no OAuth app). */
  refresh?: TokenRefresher;
  now?: () => number;
}

/** Refresh a little before the stated expiry so a token does not die in flight. */
const expirySkewMs = 60_000;

/**
 * Runs CRM calls with the connection's credentials: refreshes proactively when the stored
 * token has expired, and once more when the CRM answers 401; the refreshed tokens are saved
 * before the call is retried. A second 401, or a refresh the CRM refuses, means the rep has to
 * reconnect. Errors leave with every credential value scrubbed from their text.
 */
export class CredentialSession {
  private current?: CrmCredentials;
  private refreshInFlight?: Promise<CrmCredentials>;

  constructor(private readonly options: CredentialSessionOptions) {}

  async run<T>(call: (credentials: CrmCredentials) => Promise<T>): Promise<T> {
    const credentials = await this.usableCredentials();
    try {
      return await call(credentials);
    } catch (error) {
      if (!isUnauthorized(error)) throw scrubbed(error, credentials);
      const refreshed = await this.refreshAfterRejection(credentials, error);
      try {
        return await call(refreshed);
      } catch (retryError) {
        if (isUnauthorized(retryError)) throw this.rejectedAfterRefresh(retryError, refreshed);
        throw scrubbed(retryError, refreshed);
      }
    }
  }

  private async usableCredentials(): Promise<CrmCredentials> {
    this.current ??= await this.options.source.load();
    const credentials = this.current;
    const now = (this.options.now ?? Date.now)();
    const { refresh } = this.options;
    if (refresh && isRefreshable(credentials) && credentials.expiresAt !== undefined && credentials.expiresAt - expirySkewMs <= now) {
      return this.refresh(credentials, refresh);
    }
    return credentials;
  }

  private async refreshAfterRejection(rejected: CrmCredentials, rejection: unknown): Promise<CrmCredentials> {
    // A concurrent call already replaced the rejected token: use its result.
    if (this.current && this.current !== rejected) return this.refreshInFlight ?? this.current;
    if (!isRefreshable(rejected) || !this.options.refresh) throw scrubbed(rejection, rejected);
    return this.refresh(rejected, this.options.refresh);
  }

  private refresh(stale: OAuthCredentials & { refreshToken: string }, refresher: TokenRefresher): Promise<CrmCredentials> {
    this.refreshInFlight ??= this.exchange(stale, refresher).finally(() => {
      this.refreshInFlight = undefined;
    });
    return this.refreshInFlight;
  }

  private async exchange(stale: OAuthCredentials & { refreshToken: string }, refresher: TokenRefresher): Promise<CrmCredentials> {
    let fresh: OAuthCredentials;
    try {
      fresh = await refresher(stale);
    } catch (error) {
      if (error instanceof ExternalServiceError && error.kind === 'reconnect') {
        // Another worker may have rotated the refresh token and stored the result already.
        const stored = await this.options.source.load();
        if (stored.type === 'oauth' && stored.accessToken !== stale.accessToken) {
          this.current = stored;
          return stored;
        }
      }
      throw scrubbed(error, stale);
    }
    await this.options.source.save(fresh);
    this.current = fresh;
    return fresh;
  }

  private rejectedAfterRefresh(error: unknown, credentials: CrmCredentials): ExternalServiceError {
    const name = serviceDisplayName(this.options.service);
    return new ExternalServiceError({
      service: this.options.service,
      kind: 'reconnect',
      status: 401,
      detail: error instanceof ExternalServiceError ? scrubText(error.detail ?? 'HTTP 401', credentials) : 'HTTP 401',
      userMessage: `${name} rejected our credentials even after refreshing them. Reconnect ${name} and retry.`,
    });
  }
}

function isRefreshable(credentials: CrmCredentials): credentials is OAuthCredentials & { refreshToken: string } {
  return credentials.type === 'oauth' && typeof credentials.refreshToken === 'string' && credentials.refreshToken !== '';
}

function isUnauthorized(error: unknown): error is ExternalServiceError {
  return error instanceof ExternalServiceError && error.status === 401;
}

function secretsOf(credentials: CrmCredentials): string[] {
  const values = credentials.type === 'oauth' ? [credentials.accessToken, credentials.refreshToken] : [credentials.apiKey, credentials.apiSecret];
  return values.filter((value): value is string => typeof value === 'string' && value.length >= 6);
}

function scrubText(text: string, credentials: CrmCredentials): string {
  return secretsOf(credentials).reduce((result, secret) => result.split(secret).join('[redacted]'), text);
}

/** Defence in depth: providers never put credentials in errors, but a CRM might echo one back. */
function scrubbed(error: unknown, credentials: CrmCredentials): unknown {
  if (!(error instanceof ExternalServiceError)) return error;
  const detail = error.detail === undefined ? undefined : scrubText(error.detail, credentials);
  const userMessage = scrubText(error.userMessage, credentials);
  if (detail === error.detail && userMessage === error.userMessage) return error;
  return new ExternalServiceError({
    service: error.service,
    kind: error.kind,
    status: error.status,
    retryAfterMs: error.retryAfterMs,
    detail,
    userMessage,
  });
}

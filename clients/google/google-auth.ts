import type { GlobalOptions } from '@googleapis/gmail';
import type { Credentials, OAuth2Client } from 'google-auth-library';
import { ExternalServiceError, serviceDisplayName } from '../../domain/service-errors';
import type { GoogleTokenSource, GoogleTokens } from '../google-workspace';
import { InProcessRateLimitStore } from '../in-process-rate-limit-store';
import { passRateLimit, rateLimitKey, type BucketRate, type RateLimitGate, type RateLimitStore } from '../rate-limit-store';
import { calendarRate, gmailRate } from '../service-rate-limits';
import { googleFailureStatus, reconnectGoogleMessage, toGoogleServiceError, type GoogleApiService } from './google-errors';

/**
 * One rep's authorised Google session: an OAuth2Client loaded from the secret store that
 * refreshes a missing or expiring access token, writes refreshed tokens back before any API
 * call goes out, and retries a 401 exactly once after a forced refresh. Library retries are off
 * everywhere because Temporal owns retries.
 */
export interface GoogleAppConfig {
  clientId: string;
  clientSecret: string;
  /** Token endpoint override, e.g. the emulator's `${url}/token`. */
  tokenUrl?: string;
  /** API root override handed to the generated clients as `rootUrl`, e.g. the emulator's URL. */
  apiRootUrl?: string;
  /** Per HTTP request; the activity's start-to-close timeout bounds the attempt as a whole. */
  requestTimeoutMs?: number;
  /** The shared per-user buckets (the worker's PostgreSQL store); defaults to the client's own. */
  rateLimits?: RateLimitStore;
}

export const googleTokenUrl = 'https://oauth2.googleapis.com/token';
const defaultRequestTimeoutMs = 20_000;
/** Longer waits become the activity's retry delay, so no worker slot sleeps through them. */
const maxRateLimitWaitMs = 2_000;
/** Google's quotas are per minute and its 429s rarely say how long: a short pause, then the bucket's pace. */
const defaultRateLimitPauseMs = 10_000;
const perUserRates: Record<GoogleApiService, BucketRate> = { gmail: gmailRate, calendar: calendarRate };

/** Options shared by the generated Gmail and Calendar clients. */
export interface GoogleApiOptions {
  auth: GlobalOptions['auth'];
  rootUrl?: string;
  retry: false;
}

export interface GoogleSession {
  /** The rep's Google address, as stored at connect time. */
  readonly email: string;
  readonly apiOptions: GoogleApiOptions;
  /**
   * Runs one API call with a valid token. Google's failures become ExternalServiceError; a
   * failing token source's error is rethrown as it was thrown.
   */
  call<T>(service: GoogleApiService, request: () => Promise<T>): Promise<T>;
}

export async function openGoogleSession(config: GoogleAppConfig, source: GoogleTokenSource): Promise<GoogleSession> {
  // The token source is the caller's: its failures (e.g. "Google not connected") pass through as thrown.
  const tokens = await source.load();
  if (!tokens.refreshToken) {
    throw new ExternalServiceError({
      service: 'google-oauth',
      kind: 'reconnect',
      userMessage: reconnectGoogleMessage,
      detail: 'no refresh token stored',
    });
  }
  // Loaded at the first Google call, not at start: most processes never make one.
  const { OAuth2Client } = await import('google-auth-library');
  return new RepGoogleSession(config, source, tokens, OAuth2Client);
}

class RepGoogleSession implements GoogleSession {
  readonly email: string;
  readonly apiOptions: GoogleApiOptions;
  private readonly client: OAuth2Client;
  private readonly tokenUrl: string;
  /** Each resolves to the save's error, if any, so a failed save is reported, never unhandled. */
  private pendingSaves: Promise<unknown>[] = [];
  private readonly rateLimits: RateLimitGate;

  constructor(
    config: GoogleAppConfig,
    private readonly source: GoogleTokenSource,
    tokens: GoogleTokens,
    OAuth2ClientClass: typeof OAuth2Client,
  ) {
    this.email = tokens.email;
    this.rateLimits = { store: config.rateLimits ?? new InProcessRateLimitStore(), maxWaitMs: maxRateLimitWaitMs };
    this.tokenUrl = new URL(config.tokenUrl ?? googleTokenUrl).href;
    this.client = new OAuth2ClientClass({
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      endpoints: { oauth2TokenUrl: this.tokenUrl },
      transporterOptions: { timeout: config.requestTimeoutMs ?? defaultRequestTimeoutMs },
    });
    // Token refreshes hard-code `retry: true` in google-auth-library; this reaches them too.
    this.client.transporter.interceptors.request.add({
      resolved: (options) => Promise.resolve({ ...options, retry: false, retryConfig: { ...options.retryConfig, retry: 0 } }),
    });
    this.client.setCredentials(storedCredentials(tokens));
    this.client.on('tokens', (refreshed: Credentials) => {
      this.pendingSaves.push(this.saveRefreshed(refreshed).then(() => undefined, (error: unknown) => error ?? new Error('Saving refreshed Google tokens failed')));
    });
    this.apiOptions = {
      // googleapis-common pins its own google-auth-library copy, whose OAuth2Client differs only in
      // private members; at run time it just calls request() and getUniverseDomain() on it.
      auth: this.client as unknown as GlobalOptions['auth'],
      rootUrl: config.apiRootUrl,
      retry: false,
    };
  }

  /** Google's quotas are per user and project: each call passes the rep's shared bucket first, and a rate-limit answer pauses it for every process. */
  async call<T>(service: GoogleApiService, request: () => Promise<T>): Promise<T> {
    const bucket = { key: rateLimitKey(service, 'user', this.email.toLowerCase()), rate: perUserRates[service] };
    await passRateLimit(this.rateLimits, { service, ...bucket, userMessage: `${serviceDisplayName(service)} is busy for this account; it will be retried automatically.` });
    try {
      return await this.authorizedCall(service, request);
    } catch (error) {
      if (error instanceof ExternalServiceError && error.kind === 'retryable' && (error.status === 429 || error.status === 403)) {
        await this.rateLimits.store.pause(bucket.key, bucket.rate, error.retryAfterMs ?? defaultRateLimitPauseMs);
      }
      throw error;
    }
  }

  private async authorizedCall<T>(service: GoogleApiService, request: () => Promise<T>): Promise<T> {
    await this.authorize(service);
    try {
      return await request();
    } catch (error) {
      if (googleFailureStatus(error) !== 401) throw toGoogleServiceError(error, service, this.tokenUrl);
    }
    // The access token was revoked before its expiry: refresh once; a second 401 means reconnect.
    this.client.setCredentials({ refresh_token: this.client.credentials.refresh_token });
    await this.authorize(service);
    try {
      return await request();
    } catch (error) {
      throw toGoogleServiceError(error, service, this.tokenUrl);
    }
  }

  /** Refreshes when needed and stores the new token before the API call that relies on it. */
  private async authorize(service: GoogleApiService): Promise<void> {
    try {
      await this.client.getAccessToken();
    } catch (error) {
      throw toGoogleServiceError(error, service, this.tokenUrl);
    }
    const saves = this.pendingSaves;
    this.pendingSaves = [];
    const failures = (await Promise.all(saves)).filter((failure) => failure !== undefined);
    // The token source's own error, as it threw it: the caller knows what its store's failures mean.
    if (failures.length > 0) throw failures[0];
  }

  private saveRefreshed(refreshed: Credentials): Promise<void> {
    return this.source.save({
      email: this.email,
      // Google usually keeps the refresh token; store a rotated one when it sends it.
      refreshToken: refreshed.refresh_token ?? this.client.credentials.refresh_token ?? '',
      accessToken: refreshed.access_token ?? undefined,
      expiresAt: refreshed.expiry_date ?? undefined,
    });
  }
}

/** Without a known expiry the access token's age is unknown, so it is refreshed before use. */
function storedCredentials(tokens: GoogleTokens): Credentials {
  if (tokens.accessToken && tokens.expiresAt !== undefined) {
    return { refresh_token: tokens.refreshToken, access_token: tokens.accessToken, expiry_date: tokens.expiresAt, token_type: 'Bearer' };
  }
  return { refresh_token: tokens.refreshToken };
}

/**
 * One error type for every third-party call, so activities can decide retry vs fail without
 * knowing which service they talked to. The message is written for a sales rep; `detail`
 * carries the technical cause for logs (never secrets).
 */
export type ExternalService =
  | 'slack'
  | 'fathom'
  | 'anthropic'
  | 'hubspot'
  | 'salesforce'
  | 'pipedrive'
  | 'crono'
  | 'gmail'
  | 'calendar'
  | 'google-oauth'
  | 'secrets';

export type ExternalErrorKind =
  /** Transient: 429, 5xx, 529, timeouts, connection errors, Salesforce REQUEST_LIMIT_EXCEEDED. */
  | 'retryable'
  /** Credentials are gone or revoked even after one refresh: the user must reconnect. */
  | 'reconnect'
  /** The request itself is wrong (validation, 4xx) and repeating it cannot help. */
  | 'invalid'
  /** The thing addressed does not exist (404). */
  | 'not-found'
  /** A spending or plan limit that only a human can lift (e.g. Anthropic spend limit). */
  | 'limit-reached';

export interface ExternalServiceErrorOptions {
  service: ExternalService;
  kind: ExternalErrorKind;
  /** Short sentence a sales rep can act on, e.g. "HubSpot is rate limiting us; retrying shortly." */
  userMessage: string;
  /** Technical detail for logs: status code, error code, provider message. No tokens. */
  detail?: string;
  status?: number;
  /** Server-requested delay before the next attempt (Retry-After), in milliseconds. */
  retryAfterMs?: number;
}

export class ExternalServiceError extends Error {
  readonly service: ExternalService;
  readonly kind: ExternalErrorKind;
  readonly userMessage: string;
  readonly detail?: string;
  readonly status?: number;
  readonly retryAfterMs?: number;

  constructor(options: ExternalServiceErrorOptions) {
    super(`${options.service}: ${options.userMessage}${options.detail ? ` (${options.detail})` : ''}`);
    this.name = 'ExternalServiceError';
    this.service = options.service;
    this.kind = options.kind;
    this.userMessage = options.userMessage;
    this.detail = options.detail;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }

  get retryable(): boolean {
    return this.kind === 'retryable';
  }
}

/** Parses a Retry-After header (delta seconds or HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const serviceNames: Record<ExternalService, string> = {
  slack: 'Slack',
  fathom: 'Fathom',
  anthropic: 'Claude',
  hubspot: 'HubSpot',
  salesforce: 'Salesforce',
  pipedrive: 'Pipedrive',
  crono: 'Crono',
  gmail: 'Gmail',
  calendar: 'Google Calendar',
  'google-oauth': 'Google',
  secrets: 'the secret store',
};

export function serviceDisplayName(service: ExternalService): string {
  return serviceNames[service];
}

/**
 * Classifies an HTTP status the way every client here should: 408/429/5xx (incl. 529) are
 * transient, 401/403 after a refresh mean "reconnect", 404 is not-found, other 4xx invalid.
 */
export function errorFromHttpStatus(
  service: ExternalService,
  status: number,
  options: { detail?: string; retryAfterMs?: number; authAlreadyRefreshed?: boolean } = {},
): ExternalServiceError {
  const name = serviceDisplayName(service);
  const base = { service, status, detail: options.detail ?? `HTTP ${status}`, retryAfterMs: options.retryAfterMs };
  if (status === 408 || status === 429 || status >= 500) {
    return new ExternalServiceError({
      ...base,
      kind: 'retryable',
      userMessage:
        status === 429
          ? `${name} is rate limiting requests; it will be retried automatically.`
          : `${name} is temporarily unavailable; it will be retried automatically.`,
    });
  }
  if (status === 401 || status === 403) {
    return new ExternalServiceError({
      ...base,
      kind: 'reconnect',
      userMessage: `${name} rejected our credentials. Reconnect ${name} and retry.`,
    });
  }
  if (status === 404) {
    return new ExternalServiceError({ ...base, kind: 'not-found', userMessage: `${name} could not find that record.` });
  }
  return new ExternalServiceError({ ...base, kind: 'invalid', userMessage: `${name} rejected the request.` });
}

/** Network-level failures (DNS, reset, timeout) are always worth another attempt. */
export function errorFromNetworkFailure(service: ExternalService, cause: unknown): ExternalServiceError {
  const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return new ExternalServiceError({
    service,
    kind: 'retryable',
    userMessage: `Could not reach ${serviceDisplayName(service)}; it will be retried automatically.`,
    detail,
  });
}
